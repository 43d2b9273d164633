"""A case page with aliases in a real browser: an absorbed number leads to the surviving case."""
from __future__ import annotations

import pytest

from jikenbo.store import open_store
from tests.conftest import SAMPLE, run_cli
from tests.helpers import casebook_server
from tests.test_browser import SHOTS, browser, page  # noqa: F401  (fixtures)


@pytest.fixture(scope="module")
def merged(tmp_path_factory) -> tuple[str, str, str]:
    """A sample casebook in which a curator merged the second case into the 2024-313 one."""
    location = str(tmp_path_factory.mktemp("browser-cases") / "casebook.db")
    assert run_cli("ingest", "--db", location, str(SAMPLE)).returncode == 0
    store = open_store(location)
    target = store.resolve_case("2024-313")
    absorbed = next(n for n in sorted(set(store.case_numbers().values())) if n != target)
    assert run_cli("case", "merge", "--db", location, target, absorbed,
                   "--note", "browser test").returncode == 0
    return location, target, absorbed


def test_an_absorbed_number_leads_to_the_case_that_lists_it(page, merged) -> None:  # noqa: F811
    location, target, absorbed = merged
    with casebook_server(location) as base:
        page.goto(f"{base}/cases/{absorbed}")
        assert page.url == f"{base}/cases/{target}"  # followed the 301
        assert page.inner_text("#case-number").startswith(target)
        assert absorbed in page.inner_text("#case-aliases")
        assert "セキュリティ事件簿#2024-313" in page.inner_text("#case-references")
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "case_with_aliases.png"), full_page=True)
        page.click(f"#case-aliases a:text('{absorbed}')")
        page.wait_for_url(f"**/cases/{target}")
