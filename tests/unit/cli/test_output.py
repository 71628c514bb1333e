"""Tables fit a terminal (cells fold, never cut) and become one key=value line per record when the
output is piped, so `courtside scan > file` stays readable."""

from __future__ import annotations

import io

from rich.console import Console

from courtside.cli.output import record_line, show_table

HEADERS = ("client_order_id", "ticker", "P(A) model", "reasons")
COID = "cs-KXATPMATCH-26DEC04ZVEKHA-Y-ZVE-261203"
ROW = (COID, "KXATPMATCH-26DEC04ZVEKHA-ZVE", "0.700", 'edge 0.01 < "min"')


def test_piped_rows_are_one_line_each_with_every_cell_whole() -> None:
    out = io.StringIO()
    show_table(Console(file=out, width=80), HEADERS, [ROW, ROW], title="open orders")
    lines = out.getvalue().splitlines()
    assert lines[0] == "# open orders"
    assert lines[1] == lines[2] == record_line(HEADERS, ROW)
    assert lines[1] == (
        "client_order_id=cs-KXATPMATCH-26DEC04ZVEKHA-Y-ZVE-261203 ticker=KXATPMATCH-26DEC04ZVEKHA-ZVE "
        'p_a_model=0.700 reasons="edge 0.01 < \\"min\\""'
    )


def test_a_terminal_gets_a_table_that_folds_long_cells_instead_of_cutting_them() -> None:
    out = io.StringIO()
    show_table(Console(file=out, width=60, force_terminal=True, color_system=None), HEADERS, [ROW])
    text = out.getvalue()
    assert "…" not in text
    assert max(len(line) for line in text.splitlines()) <= 60
    cells = "".join(line.split("│")[1].strip() for line in text.splitlines() if line.count("│") > 2)
    assert ROW[0] in cells
