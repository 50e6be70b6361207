"""Fixtures shared by every test: the project's real data, and scratch copies."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from toolkit.codebook import load_codebook
from toolkit.corpus import load_documents, load_summits

REPO = Path(__file__).resolve().parents[1]

# Tests write under many annotator names: run them as if outside a class JupyterHub, even inside one.
for _hub_var in ("JUPYTERHUB_USER", "SUMMIT_LEDGER_ROLE", "SUMMIT_LEDGER_CLASS", "SUMMIT_LEDGER_ASSIGNMENT"):
    os.environ.pop(_hub_var, None)
DATA = REPO / "data"
SEED_ID = "2021-12-07-biden-putin-video-summit"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def data_root() -> Path:
    """The repository's real data folder (read-only in tests: copy it to change it)."""
    return DATA


@pytest.fixture(scope="session")
def codebook():
    return load_codebook(DATA / "codebook.yaml")


@pytest.fixture(scope="session")
def summits(codebook):
    return load_summits(DATA / "summits.yaml", codebook)


@pytest.fixture(scope="session")
def documents(summits):
    return load_documents(DATA / "documents", summits)


@pytest.fixture(scope="session")
def seed(documents):
    """The seed article."""
    return documents[SEED_ID]


@pytest.fixture(scope="session")
def wheel_venv(tmp_path_factory) -> dict[str, Path]:
    """The project's sdist and wheel, built once per test run, and a venv outside the repository with the wheel
    installed (``tests/_wheel.py``): ``{"sdist", "wheel", "venv"}``. Shared by every pytest-xdist worker; read-only."""
    from _once import once_per_run
    from _wheel import build, built

    return built(once_per_run(tmp_path_factory, "summit-ledger-wheel", build))


@pytest.fixture(scope="session")
def playwright_driver():
    """Playwright's driver, one per test process (browser and hub tests share it).

    Its sync API runs an event loop in the calling thread until stopped, and refuses to start a second one there:
    a test that started its own after a browser test in the same process would fail whatever it checks.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A scratch copy of the whole data folder, safe to corrupt."""
    dst = tmp_path / "data"
    shutil.copytree(DATA, dst, ignore=shutil.ignore_patterns("*.lock", "*.torn", "*.bak"))
    return dst


# ------------------------------------------------------------- make test-fast
# `make test-fast` runs `-m "not slow and not browser"`; `make test` runs everything. Two things
# put a test under `slow` besides its own mark:
#
# * SLOW_TESTS: single tests that take about 0.65 s or more on 2 cores (their `--durations`
#   figure, on a loaded machine, in the comment). An entry that no longer names a test of a
#   collected file is an error, so the list cannot go stale silently.
# * the fast sample: a parametrized family with more than SAMPLE_ABOVE cases keeps an evenly spread
#   sample of SAMPLE_SIZE cases (first and last included) in the fast run; the rest are `slow`.
#   Every case still runs in `make test`, and every family keeps a sample in the edit loop.
SLOW_TESTS = {
    "tests/test_project.py::test_the_command_line_shows_a_warning_as_a_plain_note",  # 9 s
    "tests/test_charts.py::test_every_spec_is_strict_json_when_lines_join_summits",  # 2 s
    "tests/test_offline_bundle.py::test_the_first_kernel_keeps_the_bundle_and_the_next_reads_it",  # 2 s
    "tests/test_widgets_explorer.py::test_controls_redraw",  # 19 s
    "tests/test_widgets_explorer.py::test_issue_colours_fixed_across_filters",  # 7 s
    "tests/test_figures.py::test_figures_options",  # 14 s
    "tests/test_project.py::test_project_figures_use_the_configured_sets",  # 14 s
    "tests/test_project.py::test_commands_run_elsewhere_never_write_into_the_repository",  # 11 s
    "tests/test_project.py::test_cli_project_and_data_are_aliases",  # 2 s
    "tests/test_store.py::test_two_processes_appending_at_once",  # 11 s
    "tests/test_store_index.py::test_index_follows_compaction_and_random_operations_by_others",  # 7 s
    "tests/test_manifest.py::test_explorer_has_corpus_controls",  # 7 s
    "tests/test_manifest.py::test_two_hundred_articles_import_with_progress_and_reach_the_ledger",  # 6 s
    "tests/test_balance.py::test_interval_contains_point_estimate",  # 7 s
    "tests/test_validate.py::test_cli_runs_as_a_console_script_without_traceback",  # 5 s
    "tests/test_teaching.py::test_synthetic_class_of_30_end_to_end",  # 4 s
    "tests/test_teaching_guide.py::test_part_a_runs_as_written",  # 3 s
    "tests/test_units.py::test_robustness_reports_missing_columns",  # 3 s
    "tests/test_cli_agreement.py::test_console_script_runs",  # 1.5 s (test_cli_interop keeps one console-script run)
    "tests/test_charts.py::test_shift_chart",  # 1.5 s
    "tests/reliability/test_properties.py::test_store_equals_in_memory_model",  # 11 s
    "tests/reliability/test_properties.py::test_balance_bounds_and_stance_swap",  # 2 s
    "tests/reliability/test_injection.py::test_chart_svg_exports_are_inert",  # 11 s
    "tests/reliability/test_injection.py::test_explorer_escapes_labels_and_notes",  # 9 s
    "tests/reliability/test_adv_exports.py::test_figures_out_is_a_file",  # 3 s
    "tests/reliability/test_import_faults.py::test_import_on_a_full_disk_writes_nothing",  # 3 s
    "tests/reliability/test_import_faults.py::test_lone_surrogate_in_an_import_is_one_error_and_nothing_written",  # 2 s
    # 2-5 s each: a fresh interpreter per case (test_cli_interop keeps one console-script run fast)
    "tests/reliability/test_bad_input.py::test_real_entry_point",
    "tests/test_display.py::test_bundle_with_widget_and_svg",  # 4 s
    # 0.65 s or more each on a quiet 2-core machine (`make test-fast --durations=0`, 2026-12-06):
    "tests/test_young_project.py::test_a_young_project_charts_the_sets_that_exist",  # 4.8 s
    "tests/test_widgets_explorer.py::test_initial_state_matches_balance_table",  # 2.8 s
    "tests/reliability/test_adv_permissions.py::test_import_into_read_only_annotations",  # 2.1 s
    "tests/test_widgets_explorer.py::test_charts_are_all_charts_with_fixed_colours",  # 1.9 s
    "tests/test_chart_layout.py::test_no_label_is_cut[balance]",  # 1.9 s
    "tests/reliability/test_adv_permissions.py::test_figures_into_read_only_folder",  # 1.7 s
    "tests/test_balance_misuse.py::test_valid_calls_still_work",  # 1.2 s
    "tests/test_class_attacks.py::test_a_bad_folder_name_and_bad_bytes_are_one_line_each",  # 1.1 s
    "tests/reliability/test_adv_permissions.py::test_export_into_read_only_folder[ledger-csv]",  # 1.1 s
    "tests/test_eventdata_fetch.py::test_journey_fetch_add_and_balance_from_the_command_line",  # 1.1 s
    "tests/reliability/test_store_faults.py::test_two_processes_deleting_the_same_records",  # 1.1 s
    "tests/test_class_attacks.py::test_dev_zero_as_check_log_is_not_read",  # 1.1 s
    "tests/reliability/test_adv_permissions.py::test_unreadable_import_file",  # 1.0 s
    "tests/reliability/test_adv_permissions.py::test_export_into_read_only_folder[parquet]",  # 1.0 s
    "tests/test_cli_interop.py::test_console_script_is_installed",  # 1.0 s
    "tests/test_class_attacks.py::test_a_fifo_as_log_does_not_hang_collect",  # 0.9 s
    "tests/test_crosswalk.py::test_joint_once_keeps_acts_without_an_event_id_apart",  # 0.9 s
    "tests/test_class_attacks.py::test_a_fifo_as_check_log_does_not_hang_grade",  # 0.9 s
    "tests/test_eventdata_readers.py::test_gdelt_reader_keeps_every_readable_row_and_reports_the_torn_line",  # 0.9 s
    "tests/reliability/test_ledger_fast_path.py::test_irregular_log_declines_the_fast_path_and_matches[bad-json]",  # 0.9 s
    "tests/reliability/test_adv_permissions.py::test_unreadable_yaml[codebook.yaml]",  # 0.9 s
    "tests/reliability/test_adv_permissions.py::test_import_into_read_only_set",  # 0.9 s
    "tests/reliability/test_adv_permissions.py::test_unreadable_log[export]",  # 0.9 s
    "tests/test_widgets_explorer.py::test_explorer_of_a_project",  # 0.9 s
    "tests/test_module_layout.py::test_every_package_and_base_file_has_a_layer",  # 0.8 s
    "tests/test_module_layout.py::test_an_old_module_path_still_works_with_a_warning[toolkit.teaching.scoring-toolkit.classroom.scoring-class_view]",  # 0.8 s
    "tests/reliability/test_ledger_fast_path.py::test_clean_log_takes_the_fast_path_and_matches",  # 0.8 s
    "tests/reliability/test_crash.py::test_write_torn_by_a_crash_is_reported_and_set_aside[250]",  # 0.8 s
    "tests/test_module_layout.py::test_an_old_module_path_still_works_with_a_warning[toolkit.validate-toolkit.store.validate-validate_data]",  # 0.8 s
    "tests/reliability/test_crash.py::test_sigkill_at_random_moment_loses_no_acknowledged_record[0]",  # 0.8 s
    "tests/test_cli_interop.py::test_add_summit_then_add_article_then_import_and_export",  # 0.7 s
    "tests/reliability/test_adv_permissions.py::test_unreadable_log[agreement]",  # 0.7 s
    "tests/reliability/test_adv_permissions.py::test_unreadable_label_map",  # 0.7 s
    "tests/reliability/test_adv_permissions.py::test_reanchor_read_only_annotations",  # 0.7 s
    "tests/reliability/test_ledger_fast_path.py::test_irregular_log_declines_the_fast_path_and_matches[wrong-type]",  # 0.7 s
    "tests/reliability/test_crash.py::test_write_torn_by_a_crash_is_reported_and_set_aside[37]",  # 0.7 s
    "tests/reliability/test_crash.py::test_write_torn_by_a_crash_is_reported_and_set_aside[1]",  # 0.7 s
    "tests/reliability/test_adv_permissions.py::test_unreadable_yaml[summits.yaml]",  # 0.7 s
    "tests/reliability/test_adv_permissions.py::test_export_into_read_only_folder[doccano]",  # 0.7 s
    "tests/reliability/test_crash.py::test_write_torn_by_a_crash_is_reported_and_set_aside[0]",  # 0.7 s
    "tests/test_module_layout.py::test_an_old_module_path_still_works_with_a_warning[toolkit.session_reads-toolkit.session.reads-__all__]",  # 0.7 s
    "tests/reliability/test_crash.py::test_sigkill_at_random_moment_loses_no_acknowledged_record[1]",  # 0.7 s
    "tests/test_eventdata_cli.py::test_journey_add_icews_and_polecat_then_balance",  # 0.7 s
    "tests/test_cli_agreement.py::test_shipped_sets_give_the_values_documented_in_the_annotations_readme",  # 0.7 s
    "tests/test_briefs.py::test_validate_and_ledger_use_briefs",  # 0.7 s
    "tests/reliability/test_adv_permissions.py::test_add_summit_read_only_data",  # 0.7 s
    "tests/reliability/test_adv_permissions.py::test_add_article_read_only_documents",  # 0.7 s
    "tests/test_cli_interop.py::test_reanchor_lists_orphans",  # 0.7 s
    "tests/reliability/test_ledger_fast_path.py::test_torn_tail_declines_the_fast_path",  # 0.7 s
    "tests/test_widgets_explorer.py::test_choose_sets_several_controls_and_redraws_once",  # 2 s
    "tests/reliability/test_ledger_fast_path.py::test_log_already_in_ledger_order_is_not_reordered",  # 1.2 s
    "tests/reliability/test_ledger_fast_path.py::test_line_longer_than_a_parse_block_matches",  # 0.9 s
    "tests/reliability/test_ledger_fast_path.py::test_ids_that_begin_alike_are_ordered_by_their_whole_text",  # 0.8 s
    "tests/test_intervals_import.py::test_a_balance_table_does_not_import_scipy_stats",  # 0.7 s
}
SAMPLE_ABOVE, SAMPLE_SIZE = 8, 5
#: Families whose cases each take seconds keep a smaller sample.
SAMPLE_SIZES = {
    # 3-5 s a case (a 1.5 MB log through both load paths); the clean and torn-tail tests stay fast too
    "tests/reliability/test_ledger_fast_path.py::test_irregular_log_declines_the_fast_path_and_matches": 2,
}


#: Files that take the longest, in the order they should start.
RUN_FIRST = (
    "tests/hub/test_class_journey.py",
    "tests/hub/test_jupyterhub.py",
    "tests/test_wheel.py",
    # after a long file, so that the wheel test (its worker builds the run's wheel first) is not waited for
    "tests/browser/test_injection_browser.py",
    "tests/browser/test_researcher_journey.py",
    "tests/browser/test_charts_browser.py",
    "tests/browser/test_classroom_browser.py",
    "tests/browser/test_annotator_browser.py",
)


def _run_order(file: str) -> int:
    """0, 1, ... for the files of RUN_FIRST; every other file keeps its place after them (the sort is stable)."""
    return RUN_FIRST.index(file) if file in RUN_FIRST else len(RUN_FIRST)


def fast_sample(n: int, k: int = SAMPLE_SIZE) -> set[int]:
    """Indices of an evenly spread sample of ``k`` out of ``n`` cases (first and last included)."""
    if n <= k:
        return set(range(n))
    return {round(i * (n - 1) / (k - 1)) for i in range(k)}


@pytest.hookimpl(tryfirst=True)  # before -k/-m deselect anything
def pytest_collection_modifyitems(config, items):
    matched: set[str] = set()
    families: dict[tuple[str, str], list[pytest.Item]] = {}
    for item in items:
        names = {item.nodeid, item.nodeid.split("[", 1)[0]} & SLOW_TESTS
        if names:
            matched |= names
            item.add_marker(pytest.mark.slow)
        if getattr(item, "callspec", None) is not None and not item.get_closest_marker("slow"):
            families.setdefault((item.nodeid.split("::", 1)[0], item.originalname), []).append(item)
    for (file, name), members in families.items():
        size = SAMPLE_SIZES.get(f"{file}::{name}")
        if len(members) > SAMPLE_ABOVE or size is not None:
            keep = fast_sample(len(members), size or SAMPLE_SIZE)
            for i, item in enumerate(members):
                if i not in keep:
                    item.add_marker(pytest.mark.slow)
    # Longest files first, so that `make test` (pytest-xdist, whole files per worker, in this order)
    # does not end with one worker alone on a long file (RUN_FIRST gives the order and says why).
    items.sort(key=lambda item: _run_order(item.nodeid.split("::", 1)[0]))
    if not any("::" in str(arg) for arg in config.args):  # whole files collected: check the list
        files = {item.nodeid.split("::", 1)[0] for item in items}
        stale = sorted(n for n in SLOW_TESTS - matched if n.split("::", 1)[0] in files)
        if stale:
            raise pytest.UsageError("tests/conftest.py SLOW_TESTS names tests that do not exist: " + ", ".join(stale))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """The journeys' step times, passing or not: where the suite's longest tests spend their wall time."""
    from _once import summary_notes

    notes = summary_notes(config)
    if notes:
        terminalreporter.section("journey steps (wall time)")
        for name, text in notes:
            terminalreporter.write_line(f"{name}:\n{text.rstrip()}")
