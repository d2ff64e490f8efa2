"""The one error the warehouse raises for a user: its message says what to do."""


class WarehouseError(Exception):
    """The warehouse cannot be opened or used; the message says what to do."""
