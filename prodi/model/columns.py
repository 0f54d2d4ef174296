"""The metadata columns prodi adds to records, named once."""

SOURCE_FILE = "_source_file"
LANDED_DATE = "_landed_date"
RECORD_NUMBER = "_record_number"  # 1-based position of the record in its file
INGESTED_AT = "_ingested_at"
RUN_ID = "_run_id"
RESCUED = "_rescued_data"  # undeclared columns of a record, as JSON (on_schema_change: rescue)
CORRUPT = "_corrupt_record"  # the raw text of a record the reader could not parse
# raw only: the size (bytes) and modification time (ms) of the file delivered, so a file
# delivered again under the same name with other content is told apart.
FILE_SIZE = "_file_size"
FILE_MODIFIED = "_file_modified"

# Carried from raw through every dataset layer, with their Spark types.
INGESTION_TYPES = {SOURCE_FILE: "string", LANDED_DATE: "string", RECORD_NUMBER: "bigint",
                   INGESTED_AT: "timestamp", RUN_ID: "string", RESCUED: "string"}
INGESTION = tuple(INGESTION_TYPES)
# Which of two versions of a key at one sequence value arrived last: the larger of these wins.
ARRIVAL = (LANDED_DATE, INGESTED_AT, SOURCE_FILE, RECORD_NUMBER)

# Quarantine tables: the record's values, why, and where it came from.
VALUES = "_values"
RAW_RECORD = "_raw_record"
ERRORS = "_errors"
QUARANTINED_AT = "_quarantined_at"
