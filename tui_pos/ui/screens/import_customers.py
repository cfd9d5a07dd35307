"""Import Customers (Master › Customer): a file another POS wrote, previewed
with its column mapping, checked row by row, then imported.

The flow: type the file's path (→ completes it, F3 browses) and press Enter.
The preview shows the first rows under "our field ← their header" and the
whole file is checked at once (nothing written): every bad row with its line
and reason. A layout tui-pos does not know is mapped by hand (one Select of
the file's headers per field), saved by name with F6 and offered again for a
file with the same headers. F4 imports, in a worker with a progress bar; Esc
cancels it (while checking: nothing written; while writing: after the batch
being written). Everything the file brought is shown literally.

The rules live in ``services.importer`` and ``services.mappings``.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable

from rich.text import Text, TextType
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.suggester import Suggester
from textual.worker import Worker, WorkerState
from textual.widgets import (
    Checkbox, ContentSwitcher, DataTable, DirectoryTree, Footer, Header, Input, Label,
    ProgressBar, Select, Static,
)

from tui_pos.db.connection import close_database
from tui_pos.services import importer, layouts, mappings
from tui_pos.services.actors import Actor
from tui_pos.services.errors import ValidationError
from tui_pos.services.text import name_key
from tui_pos.ui.literal import cell, fit, literal
from tui_pos.ui.screens.approval import attempt
from tui_pos.ui.screens.base import FieldError, PosModal, PosScreen, option, select_value
from tui_pos.ui.screens.import_mappings import SavedMappingsScreen
from tui_pos.ui.widgets.tick import Tick

VIEWS = ("preview", "problems", "by-hand")
VIEW_NAMES = {"preview": "Preview", "problems": "Bad rows", "by-hand": "Mapping by hand"}
CELL_WIDTH = 20
BY_HAND = "by hand"


def complete_path(typed: str) -> str | None:
    """``typed`` completed as far as the file system makes it unambiguous: the
    one entry that starts so, or the part all of them share; a folder gets "/"."""
    if not typed:
        return None
    folder, start = os.path.split(typed)
    where = Path(folder or ".").expanduser()
    try:
        names = sorted(entry.name for entry in os.scandir(where)
                       if entry.name.startswith(start)
                       and (start.startswith(".") or not entry.name.startswith(".")))
    except OSError:  # no such folder, or not ours to read: nothing to suggest
        return None
    if not names:
        return None
    shared = os.path.commonprefix(names)
    if len(names) == 1 and (where / shared).is_dir():
        shared += "/"
    return typed + shared[len(start):] if len(shared) > len(start) else None


def keyed(columns) -> dict:
    """A mapping compared as the importer reads it: headers ignoring case and spacing."""
    return {f: name_key(h) for f, h in columns.items() if isinstance(h, str)}


class PathSuggester(Suggester):
    """Completes file paths as they are typed (→ or End takes the suggestion)."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        return complete_path(value)


class CustomerFiles(DirectoryTree):
    """Folders and the files an import reads; hidden ones left out."""

    def process_label(self, label: TextType) -> Text:
        """A file's name as it is, never read as markup (Tree's default would)."""
        return Text(fit(label)) if isinstance(label, str) else label

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [p for p in paths if not p.name.startswith(".")
                and (p.is_dir() or p.suffix.lower() in (".csv", ".txt", ".tsv", ".xlsx"))]


class FilePickerScreen(PosModal[str]):
    """F3: pick the file in a folder tree. ↑↓ move, Enter opens a folder or takes
    the file, Backspace goes up a folder, Esc cancels."""

    BINDINGS = [Binding("backspace", "up", "Up a folder", id="picker.up")]

    def __init__(self, start: Path) -> None:
        super().__init__(classes="file-picker")
        self.start = start

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="picker"):
            yield Label("Choose the customer file", classes="dialog-title")
            yield Static(literal(self.start), id="picker-folder", classes="dim")
            yield CustomerFiles(self.start, id="tree")
            yield Label("Enter: open/choose · Backspace: up · Esc: cancel", classes="dim")

    def on_mount(self) -> None:
        self.query_one("#tree", CustomerFiles).focus()

    def action_up(self) -> None:
        tree = self.query_one("#tree", CustomerFiles)
        parent = Path(tree.path).resolve().parent
        tree.path = parent
        self.query_one("#picker-folder", Static).update(literal(parent))

    def on_directory_tree_file_selected(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        self.dismiss(str(event.path))


@dataclass(frozen=True)
class Job:
    """One run of the importer: the check (a dry run) or the import."""

    serial: int
    path: Path
    sheet: str | None
    by_hand: layouts.Layout | None
    create_missing: bool
    check: bool = True
    dry_run: bool = True
    good_rows_only: bool = False
    rejects: Path | None = None
    rows: int = 0  # the rows the check found (for the progress bar's total)
    to_write: int = 0
    actor: Actor | None = None  # who imports (a manager, or approved by one); None: the app's


class ImportCustomersScreen(PosScreen):
    TITLE = "Import Customers"
    HELP = (
        "Import customers from a CSV or .xlsx file another POS (Lightspeed, Shopify, "
        "Square, Open Source POS) or tui-pos wrote.\n"
        "Type the file's path and press Enter: → (or End) takes the suggested completion, "
        "F3 (Ctrl+O) browses the folders. The preview shows the first rows under 'our "
        "field ← their header', and the whole file is checked at once without writing "
        "anything: every bad row with its line and reason (F7 switches between Preview, "
        "Bad rows and Mapping by hand).\n"
        "A layout tui-pos does not know is mapped by hand: for each of our fields choose "
        "the file's column, type a name and press F6 (Ctrl+N) to save the mapping; it is "
        "offered again for a file with the same columns; F8 (Ctrl+Y) renames or deletes "
        "saved mappings. F5 (Ctrl+R) checks again.\n"
        "Nothing is written while the file has bad rows, unless Good rows only is ticked "
        "(the bad ones then go to a rejects file beside it). Dry run says what would "
        "change. Create missing adds the types, profiles and tags the file names.\n"
        "F4 (Ctrl+G) imports; Esc cancels a running import (during the check nothing is "
        "written, during writing it stops after the batch it is writing).")
    BINDINGS = [
        Binding("f4,ctrl+g", "import", "Import", key_display="F4", id="import.run"),
        Binding("f5,ctrl+r", "check", "Check", key_display="F5", id="import.check"),
        Binding("f3,ctrl+o", "browse", "Browse", key_display="F3", id="import.browse"),
        Binding("f6,ctrl+n", "save_mapping", "Save map", key_display="F6",
                id="import.save_mapping"),
        Binding("f7,ctrl+t", "next_view", "View", key_display="F7", id="import.view"),
        Binding("f8,ctrl+y", "saved_mappings", "Mappings", key_display="F8",
                id="import.saved_mappings"),
        # Esc is in help (F1); the Footer keeps 80 columns for the keys with aliases
        Binding("escape", "back", "Back/Cancel", show=False, id="back"),
        Binding("f1", "app.help", "Help", show=False, id="import.help"),  # works, not drawn
    ]

    def __init__(self) -> None:
        super().__init__()
        self.path: Path | None = None
        self.shown: mappings.Preview | None = None
        self.hand: layouts.Layout | None = None
        self.checked: tuple | None = None  # what the last finished check was of
        self.check_report: importer.ImportReport | None = None
        self.job: Job | None = None  # running
        self.serial = 0
        self.cancel = threading.Event()
        self.picked = ""  # the path chosen with F3, as it is
        self.sheet: str | None = None  # a workbook's sheet; None: the first

    # -- layout ------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="")
        with Horizontal(id="file-row"):
            yield Label("File")
            yield Input(id="path", placeholder="path of a .csv or .xlsx file, then Enter",
                        suggester=PathSuggester())
            yield Horizontal(id="sheet-box")
        yield FieldError(id="path-error")
        with Horizontal(id="options"):
            yield Tick("Dry run", id="dry-run", compact=True)
            yield Tick("Good rows only", id="good-rows-only", compact=True)
            yield Tick("Create missing types/profiles/tags", id="create-missing",
                           compact=True)
        yield Static(id="layout")
        yield Static(id="mapping")
        with ContentSwitcher(id="views", initial="preview"):
            yield DataTable(id="preview", cursor_type="row", zebra_stripes=True)
            yield DataTable(id="problems", cursor_type="row")
            with VerticalScroll(id="by-hand"):
                with Horizontal(classes="map-row"):
                    yield Label("Save as")
                    yield Input(id="name", placeholder="mapping name, F6 saves",
                                max_length=mappings.NAME_LENGTH)
                yield FieldError(id="name-error")
                yield FieldError(id="columns-error")
                yield Vertical(id="map-fields")
        with Horizontal(id="progress-row") as row:
            row.display = False  # shown once a check or import runs
            yield ProgressBar(id="progress", show_eta=False)
            yield Static(id="progress-text")
        yield Static(id="summary")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#problems", DataTable).add_columns(
            cell("Line", justify="right"), "Reason")
        self.query_one("#path", Input).focus()
        self.say("Type the path of a customer file (.csv or .xlsx) and press Enter.")

    # -- small helpers ------------------------------------------------------------------------
    def say(self, text: str) -> None:
        self.query_one("#summary", Static).update(literal(text))

    def show_view(self, view: str) -> None:
        """Show one of the views; the focus follows when it was in the views (or nowhere)."""
        switcher = self.query_one("#views", ContentSwitcher)
        focused = self.app.focused
        follow = focused is None or switcher in focused.ancestors
        switcher.current = view
        if follow:
            target = self.query_one(f"#{view}")
            if isinstance(target, DataTable):
                target.focus()
            else:
                self.focus_first_mapping()

    def state(self) -> tuple:
        """What a check is of: the file and sheet, the mapping and Create missing."""
        columns = tuple(sorted(self.hand.columns.items())) if self.hand else None
        return (self.path, self.sheet, columns,
                self.query_one("#create-missing", Checkbox).value)

    def busy(self) -> bool:
        if self.job is not None and not self.job.check:
            self.notify("An import is running: Esc cancels it.", severity="warning")
            return True
        return False

    # -- choosing the file ------------------------------------------------------------------
    async def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "path":
            await self.load(event.value)
        elif event.input.id == "name":
            self.action_save_mapping()

    def action_browse(self) -> None:
        if self.busy():
            return
        typed = self.query_one("#path", Input).value.strip()
        start = Path(typed).expanduser() if typed else Path.cwd()
        while not start.is_dir() and start != start.parent:
            start = start.parent

        async def chosen(path: str | None) -> None:
            if path:
                # the field shows the name without control characters; Enter in it
                # still means the file picked
                self.picked = path
                self.query_one("#path", Input).value = fit(path)
                await self.load(path)

        self.app.push_screen(FilePickerScreen(start if start.is_dir() else Path.cwd()),
                             chosen)

    async def load(self, typed: str) -> None:
        """Preview the file; a known layout or a fitting saved mapping is checked at once."""
        if self.busy():
            return
        self.clear_errors()
        if not typed.strip():
            self.query_one("#path-error", FieldError).show(
                "Type the path of a .csv or .xlsx file")
            return
        if self.picked and typed == fit(self.picked):
            typed = self.picked
        await self.open_file(Path(typed.strip()).expanduser(), None)

    async def open_file(self, path: Path, sheet: str | None) -> None:
        """Preview ``path`` (its ``sheet``: None the first) and check it when it maps."""
        try:
            shown = mappings.preview(path, sheet=sheet)
        except ValidationError as error:
            self.show_error(error, default_field="path")
            return
        self.path, self.sheet, self.hand = path, sheet, None
        self.checked, self.check_report = None, None
        await self.offer_sheets(shown)
        if not shown.layout and shown.can_map and shown.saved is not None:
            self.hand = shown.saved.layout()
            shown = self.previewed(shown)
        self.shown = shown
        await self.build_by_hand(shown)
        self.query_one("#problems", DataTable).clear()
        self.draw_preview()
        if shown.layout:
            self.show_view("preview")
            self.start_check()
        elif shown.can_map:
            self.show_view("by-hand")
            self.focus_first_mapping()
            self.say("Not a layout tui-pos knows: choose the file's column for each field "
                     "(at least a name), F5 checks, F6 saves the mapping by name.")
        else:
            self.show_view("preview")
            self.say(shown.problem)

    def previewed(self, fallback: mappings.Preview) -> mappings.Preview:
        """The preview through the hand mapping (the fallback if it does not fit)."""
        assert self.path is not None
        try:
            return mappings.preview(self.path, by_hand=self.hand, sheet=self.sheet)
        except ValidationError as error:
            self.say(error.message)
            return fallback

    async def offer_sheets(self, shown: mappings.Preview) -> None:
        """A workbook with several sheets: a choice of them beside the file."""
        box = self.query_one("#sheet-box", Horizontal)
        await box.remove_children()
        box.display = len(shown.sheets) > 1
        if box.display:
            current = self.sheet or shown.sheets[0]
            await box.mount(Label("Sheet"), Select([(option(n), n) for n in shown.sheets],
                                                   id="sheet", allow_blank=False,
                                                   value=current, compact=True))

    # -- the preview ----------------------------------------------------------------------------
    def draw_preview(self) -> None:
        shown = self.shown
        assert shown is not None
        table = self.query_one("#preview", DataTable)
        table.clear(columns=True)
        table.add_column(cell("Line", justify="right"), key="line")
        if shown.layout:
            for our_field, header in shown.pairs:
                label = f"{mappings.field_label(our_field)} ← {header}"
                table.add_column(cell(label, CELL_WIDTH + 8), key=f"f:{our_field}")
            rows = [(line, values) for (line, _), values in zip(shown.rows, shown.values)]
        else:  # nothing mapped yet: the file's own columns
            for position, header in enumerate(shown.header):
                table.add_column(cell(header, CELL_WIDTH), key=f"c:{position}")
            rows = list(shown.rows)
        for line, values in rows:
            table.add_row(cell(line, justify="right"),
                          *(cell(v, CELL_WIDTH) for v in values), key=str(line))
        self.draw_layout()

    def draw_layout(self) -> None:
        shown = self.shown
        assert shown is not None
        if shown.layout:
            head = ("Mapped by hand" if self.hand and self.hand.name == BY_HAND
                    else f"Saved mapping {shown.layout}" if self.hand
                    else f"{shown.layout} layout")
            head = f"{head} · {shown.source} · {shown.file}"
            pairs = " · ".join(f"{mappings.field_label(f)} ← {h}" for f, h in shown.pairs)
            if shown.ignored:
                pairs += f" · not read: {', '.join(shown.ignored)}"
        else:
            head = f"No layout yet · {shown.source} · {shown.file}"
            pairs = f"Columns: {', '.join(shown.header)}"
        self.query_one("#layout", Static).update(literal(head, style="bold"))
        self.query_one("#mapping", Static).update(literal(pairs))

    def action_next_view(self) -> None:
        switcher = self.query_one("#views", ContentSwitcher)
        views = [v for v in VIEWS if v != "by-hand" or (self.shown and self.shown.can_map
                                                         or self.hand is not None)]
        current = switcher.current if switcher.current in views else views[0]
        view = views[(views.index(current) + 1) % len(views)]
        self.show_view(view)
        self.notify(VIEW_NAMES[view], timeout=2)

    # -- mapping by hand --------------------------------------------------------------------------
    async def build_by_hand(self, shown: mappings.Preview) -> None:
        """One Select of the file's headers per field, set to the mapping in use."""
        box = self.query_one("#map-fields", Vertical)
        await box.remove_children()
        if not (shown.can_map or self.hand is not None):
            return
        headers = list(dict.fromkeys(h for h in shown.header if h))
        by_key = {name_key(h): h for h in reversed(headers)}  # the first of equal ones
        options = [(option(h), h) for h in headers]
        current = {f: by_key.get(name_key(h)) for f, h in self.hand.columns.items()
                   if isinstance(h, str)} if self.hand else {}
        rows = []
        for our_field in layouts.FIELDS:
            value = current.get(our_field)
            select = Select(options, id=f"map-{our_field}", prompt="(not in the file)",
                            compact=True, value=value if value is not None else Select.NULL)
            rows.append(Horizontal(Label(literal(mappings.field_label(our_field))), select,
                                   classes="map-row"))
        await box.mount_all(rows)
        name = self.query_one("#name", Input)
        name.value = self.hand.name if self.hand and self.hand.name != BY_HAND else ""

    def focus_first_mapping(self) -> None:
        found = self.query("#map-first_name")
        if found:
            found.first().focus()

    def hand_columns(self) -> dict[str, str]:
        out = {}
        for our_field in layouts.FIELDS:
            found = self.query(f"#map-{our_field}")
            if found:
                value = select_value(found.first(Select))
                if value:
                    out[our_field] = value
        return out

    async def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "sheet":
            event.stop()
            shown_sheet = self.sheet or (self.shown.sheets[0] if self.shown else None)
            if self.path is not None and event.value != shown_sheet and not self.busy():
                await self.open_file(self.path, str(event.value))
            return
        if not (event.select.id or "").startswith("map-") or self.shown is None:
            return
        event.stop()
        columns = self.hand_columns()
        if self.hand is not None and keyed(self.hand.columns) == keyed(columns):
            return  # set while building, not chosen
        self.checked = None
        self.query_one("#columns-error", FieldError).clear()
        if not any(f in columns for f in layouts.NAME_FIELDS):
            self.hand = None
            self.shown = self.previewed(self.shown)
            self.hand = layouts.Layout(BY_HAND, columns) if columns else None
            self.say("Choose the column of at least First name, Last name or Company.")
        else:
            self.hand = layouts.Layout(BY_HAND, columns)
            self.shown = self.previewed(self.shown)
            self.say("Mapped by hand: F5 checks the file, F6 saves the mapping by name.")
        self.draw_preview()

    def action_saved_mappings(self) -> None:
        """F8: the saved mappings, to rename or delete."""
        def closed(changed: bool | None) -> None:
            if changed:
                self.say("Saved mappings changed; F5 checks the file again.")

        self.app.push_screen(SavedMappingsScreen(), closed)

    def action_save_mapping(self) -> None:
        if self.shown is None:
            self.notify("Choose a file first.", severity="warning")
            return
        if self.shown.layout and self.hand is None:
            self.notify(f"{fit(self.shown.layout)} is a layout tui-pos knows: nothing to map.",
                        markup=False)
            return
        self.clear_errors()
        name = self.query_one("#name", Input).value
        columns = self.hand_columns()

        def done(saved: mappings.SavedMapping) -> None:
            self.hand = saved.layout()
            self.shown = self.previewed(self.shown)
            self.draw_preview()
            self.say(f"Mapping {saved.name!r} saved: it is offered for files with these "
                     "columns.")

        def refused(error: ValidationError) -> None:
            self.show_view("by-hand")
            self.show_error(error, default_field="columns")

        attempt(self, lambda actor: mappings.save_mapping(actor, name, columns), done, refused)

    # -- check and import ---------------------------------------------------------------------
    def job_for(self, check: bool) -> Job:
        assert self.path is not None
        self.serial += 1
        options = {k: self.query_one(f"#{k}", Checkbox).value
                   for k in ("dry-run", "good-rows-only", "create-missing")}
        rows = self.check_report.rows if self.check_report else 0
        to_write = (self.check_report.added + self.check_report.updated
                    if self.check_report else 0)
        if check:
            return Job(self.serial, self.path, self.sheet, self.hand,
                       options["create-missing"])
        good_only = options["good-rows-only"]
        rejects = (self.path.with_name(f"{self.path.stem}-rejects.csv")
                   if good_only and not options["dry-run"] else None)
        return Job(self.serial, self.path, self.sheet, self.hand, options["create-missing"],
                   check=False,
                   dry_run=options["dry-run"], good_rows_only=good_only, rejects=rejects,
                   rows=rows, to_write=0 if options["dry-run"] else to_write)

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        if event.checkbox.id == "create-missing" and self.shown and self.shown.layout \
                and self.job is None:
            self.start_check()

    def action_check(self) -> None:
        if self.busy():
            return
        if self.shown is None or not self.shown.layout:
            self.notify("Choose a file and map at least a name first.", severity="warning")
            return
        self.start_check()

    def start_check(self) -> None:
        self.start(self.job_for(check=True))
        self.say("Checking every row (nothing is written)… Esc cancels.")

    def action_import(self) -> None:
        if self.busy():
            return
        if self.shown is None or not self.shown.layout:
            self.notify("Choose a file and map at least a name first.", severity="warning")
            return
        if self.job is not None:
            self.notify("Still checking the file: wait for the report, then F4.",
                        severity="warning")
            return
        report = self.check_report
        if self.checked != self.state() or report is None:
            self.start_check()
            self.notify("Checked again first: read the report, then press F4 to import.")
            return
        good_only = self.query_one("#good-rows-only", Checkbox).value
        if report.rejected and not good_only:
            self.show_view("problems")
            message = (f"{report.rejected:,} bad rows: nothing is imported while the file "
                       "has bad rows. Fix them, or tick Good rows only.")
            self.say(message)
            self.notify(message, severity="warning", timeout=8)
            return
        job = self.job_for(check=False)
        if job.dry_run:  # writes nothing: anyone may
            self.start(job)
            self.say("Dry run: checking what would change…")
            return

        def approved(actor: Actor) -> None:  # a cashier gets the manager-PIN pop-up first
            self.start(replace(job, actor=actor))
            self.say("Importing… Esc cancels.")

        attempt(self, importer.may_import, approved)

    def start(self, job: Job) -> None:
        self.job = job
        self.cancel.clear()
        self.query_one("#progress-row").display = True
        bar = self.query_one("#progress", ProgressBar)
        total = job.rows + job.to_write
        bar.update(total=total or None, progress=0)
        self.query_one("#progress-text", Static).update("")
        for widget in self.query("#path, #options Checkbox"):
            widget.disabled = not job.check
        self.run_job(job)

    @work(thread=True, exclusive=True, group="import", exit_on_error=False)
    def run_job(self, job: Job) -> None:
        """The importer, off the screen's thread; its progress fed back through
        ``call_from_thread``, where Esc's cancel is answered."""
        def progress(phase: str, done: int) -> None:
            self.app.call_from_thread(self.show_progress, job, phase, done)
            if self.cancel.is_set() or job.serial != self.serial:
                raise importer.Cancelled()

        try:
            report = importer.import_customers(
                job.actor or self.app.actor, job.path, dry_run=job.dry_run,
                good_rows_only=job.good_rows_only, create_missing=job.create_missing,
                rejects=job.rejects, sheet=job.sheet,
                by_hand=job.by_hand, progress=progress)
        except importer.Cancelled:
            self.app.call_from_thread(self.finished, job, None, None)
        except ValidationError as error:
            self.app.call_from_thread(self.finished, job, None, error)
        else:
            self.app.call_from_thread(self.finished, job, report, None)
        finally:
            close_database()  # this thread's connection

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """An error the importer did not foresee: say so, and let the screen go on."""
        if event.worker.group != "import" or event.state != WorkerState.ERROR:
            return
        self.job = None
        for widget in self.query("#path, #options Checkbox"):
            widget.disabled = False
        self.query_one("#progress", ProgressBar).update(total=100, progress=0)
        self.say(f"The import stopped on an error ({event.worker.error}). Anything written "
                 "before it stays, each batch whole; import the file again to finish.")

    def show_progress(self, job: Job, phase: str, done: int) -> None:
        if job.serial != self.serial:
            return
        bar = self.query_one("#progress", ProgressBar)
        if phase == "checked":
            bar.update(progress=done)
            text = f"checked {done:,}"
        else:
            bar.update(progress=job.rows + done)
            text = f"written {done:,} of {job.to_write:,}"
        self.query_one("#progress-text", Static).update(literal(text))

    def finished(self, job: Job, report: importer.ImportReport | None,
                 error: ValidationError | None) -> None:
        if job.serial != self.serial:
            return  # a check another one replaced
        self.job = None
        for widget in self.query("#path, #options Checkbox"):
            widget.disabled = False
        bar = self.query_one("#progress", ProgressBar)
        if error is not None:
            bar.update(total=100, progress=0)
            self.say(error.message)
            return
        if report is None:
            bar.update(total=100, progress=0)
            self.say("Cancelled while checking: nothing was written." if not job.check
                     else "Check cancelled: nothing was written.")
            return
        bar.update(total=bar.total or 1, progress=bar.total or 1)
        self.draw_problems(report)
        if job.check:
            self.checked_report(job, report)
        else:
            self.imported(job, report)

    def checked_report(self, job: Job, report: importer.ImportReport) -> None:
        self.check_report = report
        self.checked = (job.path, job.sheet, tuple(sorted(job.by_hand.columns.items()))
                        if job.by_hand else None, job.create_missing)
        counts = (f"{report.rows:,} row{'s' if report.rows != 1 else ''} checked: "
                  f"{report.added:,} to add, "
                  f"{report.updated:,} to update, {report.unchanged:,} unchanged, "
                  f"{report.rejected:,} bad")
        made = "; ".join(f"{kind} to create: {', '.join(names)}"
                         for kind, names in report.created.items() if names)
        if report.rejected:
            self.show_view("problems")
            then = ("F4 imports the good rows, the bad ones go to a rejects file"
                    if self.query_one("#good-rows-only", Checkbox).value else
                    "Nothing is imported while there are bad rows: fix them, or tick "
                    "Good rows only and press F4")
        else:
            then = "F4 imports"
        if report.rejected > len(report.problems):
            then += (f" (the first {len(report.problems):,} bad rows are listed; the rejects "
                     "file gets them all)")
        self.say(f"{counts}{'; ' + made if made else ''}. {then}.")

    def imported(self, job: Job, report: importer.ImportReport) -> None:
        self.checked, self.check_report = None, None  # the store changed: check again
        if report.cancelled:
            text = (f"Cancelled: {report.rows_written:,} of {job.to_write or report.rows:,} "
                    "rows were written (each batch whole). Import the file again to "
                    "finish: rows already in are then unchanged.")
        elif report.refused:
            text = (f"{report.rejected:,} bad rows: nothing was imported. Fix them, or tick "
                    "Good rows only.")
        else:
            done = "Dry run, nothing written: " if report.dry_run else "Imported: "
            text = done + report.summary() + "."
            if report.rejects_file:
                text += f" Bad rows in {report.rejects_file}."
        self.say(text)
        if report.written:
            self.notify("Customers imported." if not report.cancelled else
                        "Import cancelled.", markup=False)

    def draw_problems(self, report: importer.ImportReport) -> None:
        table = self.query_one("#problems", DataTable)
        table.clear()
        for problem in report.problems:
            table.add_row(cell(problem.line, justify="right"), cell(problem.reason),
                          key=str(problem.line))

    # -- leaving -----------------------------------------------------------------------------
    def action_back(self) -> None:
        if self.job is not None:
            self.cancel.set()
            self.say("Cancelling…")
            return
        super().action_back()
