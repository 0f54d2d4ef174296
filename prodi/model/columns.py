"""The metadata columns prodi adds to every ingested record, named once."""

SOURCE_FILE = "_source_file"
LANDED_DATE = "_landed_date"
INGESTED_AT = "_ingested_at"
RUN_ID = "_run_id"

# Carried from raw through every dataset layer.
INGESTION = (SOURCE_FILE, LANDED_DATE, INGESTED_AT, RUN_ID)
