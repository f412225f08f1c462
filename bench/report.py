"""The plain-text table ``make bench`` prints."""

from .load import Result

COLUMNS = (
    f"{'page':<22}{'rps':>8}{'p50 ms':>9}{'p99 ms':>9}{'failed':>8}  {'queries(20 ev)':<16}{'queries(200 ev)':<15}"
)


def table(rows: list[tuple[str, Result, int | None, int | None]], columns: str = COLUMNS) -> str:
    lines = [columns]
    for label, result, small, large in rows:
        lines.append(
            f"{label:<22}{result.requests_per_second:>8.0f}{result.p50_ms:>9.1f}{result.p99_ms:>9.1f}{result.failed:>8}"
            f"  {dash_or(small):<16}{dash_or(large):<15}".rstrip()
        )
    return "\n".join(lines)


def failures_line(failed: int, sent: int, dead_workers: int) -> str:
    """What ``make bench`` requires to be zero, for one section."""
    return f"failed requests: {failed} of {sent}; dead workers: {dead_workers}"


def dash_or(value: int | None) -> str:
    return "-" if value is None else str(value)
