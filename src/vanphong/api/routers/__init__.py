"""The API's parts beyond the registry, one ninja `Router` each, added to the one
`api` in `api/endpoints.py` (same tokens, same refusals): work programs, the weekly
schedule, the follow-up of conclusions. Each module has its schemas beside it
(`<part>_schemas.py`)."""
