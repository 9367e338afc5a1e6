"""Background tasks of the OParl side: an import started from the admin (see council/tasks.py for the engine).

The task takes the id of the run queued for it and writes into that row as it goes (counts per
type, progress, state), so that the admin shows how far it is. It is idempotent: an import run
again skips what it wrote already as unchanged. A failure is recorded on the run (state
"failed", the error) and raised, so that the task's own result shows it too; the next start
continues where it stopped.
"""

from django_tasks import task


@task()
def import_oparl_task(run_id: int, options: dict) -> dict:
    """Import the endpoint of run `run_id` with `options` (body, full, files); return the counts."""
    from .importer.client import FetchError, OParlClient
    from .importer.run import Options, import_oparl
    from .models import ImportRun

    run = ImportRun.objects.get(pk=run_id)
    if run.state != ImportRun.State.QUEUED:
        return run.counts  # run already (a task delivered twice)
    settings = Options(
        body=options.get("body"), full=bool(options.get("full")), files=options.get("files", True), run_id=run.pk
    )
    try:
        result = import_oparl(run.system_url, client=OParlClient(), options=settings)
    except FetchError as error:
        # The endpoint itself could not be read: nothing began, the importer had no run to mark.
        ImportRun.objects.filter(pk=run.pk, state=ImportRun.State.QUEUED).update(
            state=ImportRun.State.FAILED, error=str(error)[:2000]
        )
        raise
    return result.run.counts
