"""The ground layer: what every other part of minutes shares, importing nothing else of it.

    document  the `Document` model every extractor returns and every rule reads
    records   what the rules extract from one document (meeting, attendees, decisions, ...)
    ids       row ids: made and read in one place
    tables    the warehouse's tables and views, with their id letters and export settings
    enums     the closed vocabularies: statuses, kinds, precisions
    settings  what a user can set, built once by the CLI and passed down
"""
