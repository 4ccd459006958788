"""The aggregates that more than one service writes, each in one pure module.

An aggregate whose events come from one service only lives in that service's `domain/`
package (the gateway's users, applications, attachments, notifications). The ones several
services append to live here, so every writer folds the same history the same way:

| aggregate | module | written by |
|---|---|---|
| `resume` | `resumes` | gateway (upload, edit, accept), resume (parse), ai_worker (proposals) |
| `job` (a posting) | `postings` | gateway (add, mark), jobs (ingest, match) |
| `ai_job` | `ai_jobs` | gateway (queue, cancel), ai_worker (progress, output, failure) |
| `export` | `exports` | gateway (request), exporter (ready, failed) |

Each module holds a state class with `aggregate_type` and `fold` (what
`jobtrail.eventlog.aggregates.Repository` loads) and decisions returning events. They
import the event catalogue and nothing that does I/O (an import-linter contract).
"""
