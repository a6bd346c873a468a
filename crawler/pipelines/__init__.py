"""Item pipelines: raw capture (WARC) -> analysis (nlp) -> date window -> store."""
