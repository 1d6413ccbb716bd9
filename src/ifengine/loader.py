"""Story folder on disk to the immutable model, with a located diagnostic for every mistake.

Reading goes file -> located data (`yamlsource`) -> validated against the key
table (`schema`) -> model objects with compiled expressions. Problems are
collected, not raised, so an author sees all of them at once; `load_story`
raises StoryError only at the end if any is an error.
"""

from __future__ import annotations

import gc
import hashlib
import os
import re
import stat
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple, TypeVar

from . import schema
from .checked import RECORD_NAME, Checked
from .diagnostics import Diagnostic, Pos, StoryError, error, has_errors, suggest, warning
from .expr import Condition, Effect, Env, ExprError, compile_condition, compile_effect
from .model import RETURN, Assumption, Choice, Ending, Episode, Member, Route, Scene, Story, Summary, Variable, returns
from .names import STORY_ID as STORY_ID  # re-exported: the JSON schema names it
from .names import is_portable_story_id
from .ondemand import ScenesOnDemand
from .regularfile import kind_of
from .text import Template, compile_template, find_control
from .words import article
from .yamlsource import Loc, Map, Seq, SourceError, load_bytes, read_bytes

MANIFEST_NAME = "story.yaml"
IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
SLUG = re.compile(r"[a-z0-9][a-z0-9_-]*\Z")


RESERVED = {"and", "or", "not", "in", "true", "false", "seen", "visits", "count"}

T = TypeVar("T")


@dataclass
class _Ctx:
    """Diagnostics collected while loading, plus helpers to add them."""

    diagnostics: list[Diagnostic] = field(default_factory=list)

    def error(self, pos: Pos, message: str, hint: str = "") -> None:
        self.diagnostics.append(error(pos, message, hint))

    def warn(self, pos: Pos, message: str, hint: str = "") -> None:
        self.diagnostics.append(warning(pos, message, hint))


def _kind_name(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return "a number"
    if isinstance(value, float):
        return "a decimal number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "nothing"


_KIND_WORDS = {"str": "text", "int": "a whole number", "bool": "true or false", "map": "a mapping", "list": "a list"}


_KIND_OF_TYPE: dict[type, str] = {
    str: "str",
    int: "int",
    bool: "bool",
    Map: "map",
    dict: "map",
    Seq: "list",
    list: "list",
}


def _kind_of(value: Any) -> str:
    """The schema's word for a value's kind ("str", "int", "bool", "map", "list"), or ""."""
    kind = _KIND_OF_TYPE.get(type(value))
    if kind is not None:
        return kind
    for cls, word in _KIND_OF_TYPE.items():
        if isinstance(value, cls):
            return word
    return ""


class _KeyTable(NamedTuple):
    """What validation needs of a key table for every object; the tables are constants."""

    accepts: dict[str, tuple[type, ...]]  # each key's accepted Python types, exactly
    required: tuple[str, ...]


_KEY_TABLES: dict[int, _KeyTable] = {}


def _key_table(spec: dict[str, schema.Field]) -> _KeyTable:
    table = _KEY_TABLES.get(id(spec))
    if table is None:
        table = _KEY_TABLES[id(spec)] = _KeyTable(
            {key: tuple(t for t, kind in _KIND_OF_TYPE.items() if kind in f.kinds) for key, f in spec.items()},
            tuple(key for key, f in spec.items() if f.required),
        )
    return table


def _validate(ctx: _Ctx, obj: Any, loc: Loc, spec: dict[str, schema.Field], what: str) -> bool:
    """Check an object against its key table; reports problems and says if it is usable."""
    if not isinstance(obj, Map):
        ctx.error(loc.pos, f"{what} must be a mapping of keys, not {_kind_name(obj)}")
        return False
    ok = True
    accepts, required = _key_table(spec)
    for key, value in obj.items():
        kind = type(value)
        if kind in accepts.get(key, ()):  # the common case: a known key with a value of its type
            # (printable text has no control characters: skip making its location)
            if (
                kind is str
                and not value.isprintable()
                and not _refuse_control(ctx, value, obj.value_loc(key), f"'{key}'")
            ):
                ok = False
        elif not _check_value(ctx, obj, key, value, spec, what):
            ok = False
    for key in required:
        if key not in obj:
            ctx.error(loc.pos, f"{what} is missing '{key}'", spec[key].doc)
            ok = False
    return ok


def _check_value(ctx: _Ctx, obj: Map, key: str, value: Any, spec: dict[str, schema.Field], what: str) -> bool:
    """The slow path of `_validate`: an unknown key, a value of another kind, or a subclass."""
    f = spec.get(key)
    if f is None:
        hint = suggest(key, spec) or "allowed keys: " + ", ".join(spec)
        if " " in key.strip() or value is None:
            hint = "a comma inside {...} starts a new key; put the text in quotes"
        ctx.error(obj.key_loc(key).pos, f"unknown key '{key}' in {what}", hint)
        return False
    kind = _kind_of(value)
    if kind not in f.kinds:
        want = " or ".join(_KIND_WORDS[k] for k in f.kinds)
        hint = ""
        if f.kinds == ("str",) and isinstance(value, (Map, Seq)):  # `text: [Say nothing]`, `text: {seq: a | b}`
            opener = "[" if isinstance(value, Seq) else "{"
            hint = f"YAML reads a value that starts with {opener} as a {_kind_name(value).split()[-1]}: quote the text"
        ctx.error(obj.value_pos(key), f"'{key}' must be {want}, not {_kind_name(value)}", hint)
        return False
    return kind != "str" or _refuse_control(ctx, value, obj.value_loc(key), f"'{key}'")


def _refuse_control(ctx: _Ctx, text: str, loc: Loc, what: str) -> bool:
    """Report a control character in text players will see; True when there is none."""
    at = find_control(text)
    if at < 0:
        return True
    ctx.error(
        loc.at(at, text), f"control character U+{ord(text[at]):04X} in {what}", "remove it; terminals would act on it"
    )
    return False


def _loc_in(holder: Map | Seq, key: str | int) -> Loc:
    """Where `holder[key]` is written."""
    if isinstance(holder, Map):
        return holder.value_loc(str(key))
    return holder.item_loc(int(key))


def _compile(
    ctx: _Ctx, compiler: Callable[[str, Env], T], source: Any, env: Env, holder: Map | Seq, key: str | int
) -> T | None:
    """Compile `source`, which is `holder[key]`; its location is looked up only to report an error."""
    if isinstance(source, bool):
        source = "true" if source else "false"
    try:
        return compiler(source, env)
    except ExprError as exc:
        ctx.error(_loc_in(holder, key).at(exc.offset, source), exc.message, exc.hint)
        return None


def _effects(ctx: _Ctx, obj: Map, env: Env, key: str = "do") -> tuple[Effect, ...]:
    if key not in obj:
        return ()
    value = obj[key]
    items: list[tuple[Any, Map | Seq, str | int]] = (
        [(item, value, i) for i, item in enumerate(value)] if isinstance(value, Seq) else [(value, obj, key)]
    )
    effects = []
    for item, holder, where in items:
        if not isinstance(item, str):
            ctx.error(
                _loc_in(holder, where).pos, f"an effect must be text such as 'trust -= 1', not {_kind_name(item)}"
            )
            continue
        if isinstance(holder, Seq) and not _refuse_control(ctx, item, _loc_in(holder, where), f"'{key}'"):
            continue  # the scalar form is checked with the other keys
        effect = _compile(ctx, compile_effect, item, env, holder, where)
        if effect is not None:
            effects.append(effect)
    return tuple(effects)


_TAGS = re.compile(r"\{[^}]*\}")
MAX_WEIGHT = 1_000_000
MAX_CONSTANT = 1_000_000_000
# `show:` values: (on the status screen, on the line under the choices).
SHOW = {"always": (True, True), "status": (True, False), "never": (False, False)}
STATUS_LINES = ("numbers", "words", "none")
# A choice's `[ ]`: the words inside show only in the menu, the words after only once it is taken.
_BRACKETS = re.compile(r"(?<!\\)\[((?:[^\[\]{}\\]|\\.)*)(?<!\\)\]")
_BLOCK = re.compile(r"\{\s*(if|/if|end)\b[^}]*\}")


def _split_choice_text(text: str) -> tuple[str, str]:
    """Menu words and printed words of `before [menu only] after` (as in ink); nothing is printed without brackets.

    Only brackets outside every `{...}` tag and `{if}` block count, so prose and
    expressions may still hold brackets of their own; a backslash before a
    bracket shows it as it is.
    """
    for m in _BRACKETS.finditer(text):
        if _if_depth(text[: m.start()]) == 0:
            before, inside, after = text[: m.start()], m.group(1), text[m.end() :]
            return _literal((before + inside).strip()), _literal((before + after).strip())
    return _literal(text), ""


def _literal(text: str) -> str:
    return text.replace("\\[", "[").replace("\\]", "]")


_DO = re.compile(r"\{\s*do(\s*:\s*|\s+)([^}]*)\}")


def _do_tags(source: str) -> list[tuple[int, int, str, int]]:
    """The `{do: effect}` tags outside every `{if}` block: (start, end, effect, where the effect starts)."""
    return [
        (m.start(), m.end(), m.group(2).strip(), m.start(2) + len(m.group(2)) - len(m.group(2).lstrip()))
        for m in _DO.finditer(source)
        if _if_depth(source[: m.start()]) == 0 and not source[: m.start()].endswith("{")
    ]


def _if_depth(text: str) -> int:
    depth = 0
    for tag in _BLOCK.finditer(text):
        depth += 1 if tag.group(1) == "if" else -1
    return depth


def _menu_words(text: str) -> str:
    """The words a choice shows in the menu: what its id is made from."""
    return _split_choice_text(text)[0]


_APOSTROPHE = re.compile(r"(?<=\w)['\u2019](?=\w)")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """The default id of a choice: its words, lower-cased and joined with hyphens.

    Accents are dropped (Doña → dona) and an apostrophe inside a word joins it
    (Leo's → leos), so ids read like the text they come from.
    """
    words = _TAGS.sub(" ", text) if "{" in text else text
    if not words.isascii():
        words = "".join(c for c in unicodedata.normalize("NFKD", words) if not unicodedata.combining(c))
    if "'" in words or "\u2019" in words:
        words = _APOSTROPHE.sub("", words)
    slug = _NOT_SLUG.sub("-", words.lower()).strip("-")
    if len(slug) > 40:
        slug = slug[:40].rsplit("-", 1)[0]
    return slug


_Raw = tuple[str, str, Map, Loc, "Episode | None", Pos]  # a scene as read: (file, id, data, loc, episode, where)
Known = Callable[[str, str], "Checked | None"]  # (story id, fingerprint) -> the record of it checked clean, if any


class _Loader:
    def __init__(self, root: str, known: Known | None = None) -> None:
        self.root = root
        self.known = known
        self.ctx = _Ctx()
        self.parts: dict[str, Scene] = {}  # scenes made from nested choices and inline then:, by path id
        self.unlisted: list[str] = []  # scene files in the folder that files: leaves out
        self.hash = hashlib.sha256()

    def read(self, name: str) -> Any:
        """Read a file once: its bytes feed the story's fingerprint, then the parser."""
        data = self.read_bytes(name)
        return self.parse(name, data) if data is not None else None

    def read_bytes(self, name: str) -> bytes | None:
        """A file's bytes, added to the story's fingerprint; None (and the error reported) if it cannot be read."""
        path = os.path.join(self.root, name)
        try:
            data = read_bytes(self.inside(path), path, follow_links=False)
        except SourceError as exc:
            self.ctx.diagnostics.append(exc.diagnostic)
            return None
        self.hash.update(os.fsencode(name) + b"\0" + data + b"\0")
        return data

    def parse(self, name: str, data: bytes) -> Any:
        path = os.path.join(self.root, name)
        try:
            return load_bytes(path, data)
        except SourceError as exc:
            self.ctx.diagnostics.append(exc.diagnostic)
            return None

    def inside(self, path: str) -> str:
        """The real path of a story file, refused when a link takes it out of the story folder."""
        real = os.path.realpath(path)
        folder = os.path.realpath(self.root)
        if os.path.commonpath([real, folder]) != folder:
            raise SourceError(
                error(Pos(path), "this file links outside the story folder", "copy the file into the folder instead")
            )
        return real

    # --- manifest -----------------------------------------------------------

    def manifest(self) -> Map | None:
        path = os.path.join(self.root, MANIFEST_NAME)
        if not os.path.isfile(path):
            self.ctx.error(
                Pos(path),
                f"no {MANIFEST_NAME} in this folder",
                "a story folder needs a manifest; see `ifengine guide manifest`",
            )
            return None
        data = self.read(MANIFEST_NAME)
        if data is None and not self.ctx.diagnostics:
            self.ctx.error(Pos(path, 1, 1), "file is empty", "a manifest needs at least id, title, start and endings")
            return None
        if data is None:
            return None
        valid = _validate(self.ctx, data, Loc(path, 1, 1), schema.MANIFEST, "the manifest")
        if not valid and (not isinstance(data, Map)):
            return None
        return data

    def variables(self, manifest: Map) -> dict[str, Variable]:
        state = manifest.get("state")
        if not isinstance(state, Map):
            return {}
        out: dict[str, Variable] = {}
        for name, decl in state.items():
            pos = state.key_loc(name).pos
            if not IDENT.match(name) or name in RESERVED:
                self.ctx.error(pos, f"'{name}' cannot be a variable name", "use letters, digits and _, not a keyword")
                continue
            variable = self.variable(name, decl, state.value_loc(name), pos, len(out))
            if variable is not None:
                out[name] = variable
        return out

    def variable(self, name: str, decl: Any, loc: Loc, pos: Pos, index: int) -> Variable | None:
        what = f"variable '{name}'"
        valid = _validate(self.ctx, decl, loc, schema.VARIABLE, what)
        if not valid and (not isinstance(decl, Map) or not isinstance(decl.get("type"), str)):
            return None
        type_ = decl.get("type")
        if type_ not in schema.VARIABLE_KEYS_BY_TYPE:
            self.ctx.error(
                decl.value_pos("type") if "type" in decl else loc.pos,
                f"unknown type '{type_}' for {what}",
                suggest(str(type_), schema.VARIABLE_KEYS_BY_TYPE) or "types: int, flag, set, enum, string",
            )
            return None
        typed_keys = set().union(*schema.VARIABLE_KEYS_BY_TYPE.values())
        for key in decl:
            if key in typed_keys and key not in schema.VARIABLE_KEYS_BY_TYPE[type_]:
                self.ctx.error(decl.key_loc(key).pos, f"'{key}' does not apply to {article(str(type_))} variable")
        public, on_line = self.shown(decl, what)
        common = dict(
            name=name,
            type=type_,
            index=index,
            label=decl.get("label", "") if isinstance(decl.get("label"), str) else "",
            description=decl.get("description", "") if isinstance(decl.get("description"), str) else "",
            public=public,
            on_line=on_line,
            pos=pos,
        )
        default = decl.get("default")
        default_pos = decl.value_pos("default") if "default" in decl else pos
        if type_ == "int":
            lo, hi = decl.get("min"), decl.get("max")
            if not (_kind_of(lo) == "int" and _kind_of(hi) == "int"):
                self.ctx.error(loc.pos, f"{what} needs whole-number min and max", "e.g. {type: int, min: 0, max: 10}")
                # Still declare it, so each use is not reported again as an unknown variable.
                return Variable(default=0, **common)
            if lo > hi:
                self.ctx.error(decl.value_pos("min"), f"{what}: min {lo} is greater than max {hi}")
                return Variable(default=lo, minimum=lo, maximum=lo, **common)
            if default is None:
                default = lo
                if lo < 0:
                    self.ctx.warn(
                        pos,
                        f"{what} starts at its min, {lo}, because it has no default",
                        "set default: explicitly (most counts start at 0)",
                    )
            if _kind_of(default) != "int":
                self.ctx.error(default_pos, f"{what}: default must be a whole number")
                return None
            if not lo <= default <= hi:
                self.ctx.error(default_pos, f"{what}: default {default} is outside {lo}..{hi}")
                return None
            return Variable(default=default, minimum=lo, maximum=hi, **common, **self.display(decl, what, lo, hi))
        if type_ == "flag":
            if default is None:
                default = False
            if not isinstance(default, bool):
                self.ctx.error(default_pos, f"{what}: a flag's default is true or false")
                return None
            return Variable(default=default, **common)
        if type_ == "string":
            if default is None:
                default = ""
            if not isinstance(default, str):
                self.ctx.error(default_pos, f"{what}: default must be text")
                return None
            return Variable(default=default, **common)
        if type_ == "enum":
            values = decl.get("values")
            if not isinstance(values, Seq) or not values or not all(isinstance(v, str) for v in values):
                self.ctx.error(loc.pos, f"{what} needs values: a list of text", "e.g. values: [calm, angry]")
                return None
            if len(set(values)) != len(values):
                self.ctx.error(decl.value_pos("values"), f"{what} lists a value twice")
            for value, value_loc in values.located():
                _refuse_control(self.ctx, value, value_loc, "an enum value")
            if default is None:
                default = values[0]
            if default not in values:
                self.ctx.error(
                    default_pos, f"{what}: default '{default}' is not one of its values", suggest(str(default), values)
                )
                return None
            return Variable(default=default, values=tuple(values), **common)
        members = self.members(decl, what, loc)
        if members is None:
            return None
        initial: frozenset[str] = frozenset()
        if default is not None:
            if not isinstance(default, Seq):
                self.ctx.error(default_pos, f"{what}: a set's default is a list of members")
                return None
            for item, item_loc in default.located():
                if item not in members:
                    self.ctx.error(item_loc.pos, f"'{item}' is not a member of {name}", suggest(str(item), members))
            initial = frozenset(m for m in default if m in members)
        return Variable(default=initial, members=members, **common)

    def shown(self, decl: Map, what: str) -> tuple[bool, bool]:
        """Where players see a variable: (on the status screen, on the line under the choices)."""
        show = decl.get("show")
        if show is None:
            return decl.get("public") is True, decl.get("public") is True
        if show not in SHOW:
            self.ctx.error(
                decl.value_pos("show"), f"{what}: show must be one of {', '.join(SHOW)}", suggest(str(show), SHOW)
            )
            return False, False
        if "public" in decl:
            self.ctx.warn(decl.key_loc("public").pos, f"{what} has both show and public; show wins", "remove public")
        return SHOW[show]

    def display(self, decl: Map, what: str, lo: int, hi: int) -> dict[str, Any]:
        """How an int reads on the status screen: words by threshold, a bar, or between opposed words."""
        ways = [k for k in ("words", "bar", "opposed") if k in decl and decl[k] is not False]
        if len(ways) > 1:
            self.ctx.error(decl.key_loc(ways[1]).pos, f"{what} has both {ways[0]} and {ways[1]}", "choose one")
            return {}
        found: dict[str, Any] = {"bar": decl.get("bar") is True}
        opposed = decl.get("opposed")
        if opposed is not None:
            if not isinstance(opposed, Seq) or len(opposed) != 2 or not all(isinstance(w, str) for w in opposed):
                self.ctx.error(decl.value_pos("opposed"), f"{what}: opposed is two words, such as [cautious, reckless]")
            else:
                found["opposed"] = (opposed[0], opposed[1])
        table = decl.get("words")
        if isinstance(table, Map):
            found["words"] = self.threshold_words(table, what, lo, hi)
        return found

    def threshold_words(self, table: Map, what: str, lo: int, hi: int) -> tuple[tuple[int, str], ...]:
        """`words:` as (threshold, words) from the lowest; each applies from its number up to the next."""
        pairs: list[tuple[int, str]] = []
        for key, words in table.items():
            pos = table.key_loc(key).pos
            number: Any = int(key) if isinstance(key, str) and re.fullmatch(r"-?[0-9]{1,10}", key) else key
            if _kind_of(number) != "int":
                self.ctx.error(pos, f"{what}: words are keyed by whole numbers, not {_kind_name(key)}", "e.g. 0: Quiet")
            elif not lo <= number <= hi:
                self.ctx.error(pos, f"{what}: {number} is outside its range {lo}..{hi}")
            elif not isinstance(words, str):
                self.ctx.error(table.value_pos(key), f"{what}: the words for {number} must be text")
            elif _refuse_control(self.ctx, words, table.value_loc(key), "words"):
                pairs.append((number, words))
        if pairs and [k for k, _ in pairs] != sorted(k for k, _ in pairs):
            self.ctx.warn(table.loc.pos, f"{what}: words are easier to read from the lowest number up")
        pairs.sort()
        if pairs and pairs[0][0] > lo:
            self.ctx.warn(
                table.loc.pos,
                f"{what}: no words for {lo}..{pairs[0][0] - 1}, which show as nothing",
                f"add words for {lo}",
            )
        return tuple(pairs)

    def members(self, decl: Map, what: str, loc: Loc) -> dict[str, Member] | None:
        of = decl.get("of")
        if not isinstance(of, Map) or not of:
            self.ctx.error(loc.pos, f"{what} needs of: its members", "e.g. of: {lamp: An oil lamp}")
            return None
        members: dict[str, Member] = {}
        for member, spec in of.items():
            pos = of.key_loc(member).pos
            if not IDENT.match(member) or member in RESERVED:
                self.ctx.error(pos, f"'{member}' cannot be a member name", "use letters, digits and _")
                continue
            if isinstance(spec, str):
                _refuse_control(self.ctx, spec, of.value_loc(member), f"member '{member}'")
                members[member] = Member(member, spec)
            elif _validate(self.ctx, spec, of.value_loc(member), schema.MEMBER, f"member '{member}'"):
                members[member] = Member(member, spec["label"], spec.get("description", ""))
        return members

    def endings(self, manifest: Map) -> dict[str, Ending]:
        declared = manifest.get("endings")
        if not isinstance(declared, Map):
            return {}
        if not declared:
            self.ctx.error(manifest.value_pos("endings"), "a story needs at least one ending")
        out = {}
        for ending_id, spec in declared.items():
            pos = declared.key_loc(ending_id).pos
            if not IDENT.match(ending_id):
                self.ctx.error(pos, f"'{ending_id}' cannot be an ending id", "use letters, digits and _")
                continue
            if _validate(self.ctx, spec, declared.value_loc(ending_id), schema.ENDING, f"ending '{ending_id}'"):
                out[ending_id] = Ending(ending_id, spec["title"], spec["theme"], spec.get("description", ""), pos)
        return out

    def scene_files(self, manifest: Map) -> list[str]:
        listed = manifest.get("files")
        if isinstance(listed, Seq):
            names = []
            for name, loc in listed.located():
                if not isinstance(name, str) or "/" in name or "\\" in name or name.startswith("."):
                    self.ctx.error(
                        loc.pos, f"'{name}' is not a file name in this folder", "list plain file names such as ep1.yaml"
                    )
                elif problem := _not_a_file(os.path.join(self.root, name)):
                    hint = (
                        suggest(name, [n for n in self.yaml_files() if n != name])
                        if problem == "does not exist"
                        else ""
                    )
                    self.ctx.error(loc.pos, f"file '{name}' {problem}", hint or _FILE_HINTS.get(problem, ""))
                else:
                    names.append(name)
            self.unlisted = [n for n in self.yaml_files() if n not in names]
            for name in self.unlisted:
                self.ctx.warn(
                    manifest.key_loc("files").pos,
                    f"'{name}' is in the story folder but not under files:, so its scenes are not in the story",
                    "add it to files:, or move it out of the folder",
                )
            return names
        return self.yaml_files(manifest)

    def yaml_files(self, manifest: Map | None = None) -> list[str]:
        """The scene files in the folder: every .yaml/.yml but the manifest and hidden ones."""
        try:
            names = os.listdir(self.root)
        except OSError as exc:
            if manifest is not None:
                self.ctx.error(
                    manifest.loc.pos,
                    f"cannot list the story folder: {exc.strerror or exc}",
                    "list the scene files under files: in story.yaml, or let the folder be read",
                )
            return []
        return sorted(
            n for n in names if n.endswith((".yaml", ".yml")) and n != MANIFEST_NAME and not n.startswith(".")
        )

    # --- scenes -------------------------------------------------------------

    def load(self) -> Story | None:
        manifest = self.manifest()
        if manifest is None:
            return None
        variables = self.variables(manifest)
        endings = self.endings(manifest)
        files = self.scene_files(manifest)
        contents = {name: self.read_bytes(name) for name in files}  # every byte is in the fingerprint now
        known = self.recall(manifest, files)
        raw: list[_Raw] = []
        if known is None or known.files is None:
            seen_ids: dict[str, Pos] = {}
            for name in files:
                raw.extend(self.file_scenes(name, contents[name], seen_ids))
            ids = frozenset(seen_ids)
        else:  # checked before, with no scene-local values: each file is parsed when play needs a scene in it
            ids = frozenset(sid for _, sids in known.files for sid in sids)
        constants = self.constants(manifest, variables)
        env = Env(variables, ids, constants=constants)
        envs = self.scene_locals(raw, variables, env)
        self.check_story_id(manifest)
        summary = known.summary if known is not None and self.fits(known.summary, ids) else None
        scenes_out: Mapping[str, Scene]
        if known is None or summary is None:
            if known is not None and known.files is not None:  # not used after all: read every file now
                seen_ids = {}
                raw = [r for name in files for r in self.file_scenes(name, contents[name], seen_ids)]
            scenes_out = self.all_scenes(raw, envs, env)
        else:
            scenes_out = self.scenes_on_demand(raw, contents, known, envs, env, summary)
        start = manifest.get("start")
        start_pos = manifest.value_pos("start") if "start" in manifest else Pos(self.root)
        version = manifest.get("version", 1)
        return Story(
            id=str(manifest.get("id", "")),
            title=str(manifest.get("title", "")),
            start=start if isinstance(start, str) else "",
            variables=variables,
            endings=endings,
            scenes=scenes_out,
            version=version if isinstance(version, int) else 1,
            author=str(manifest.get("author", "")),
            credit=str(manifest.get("credit", "")),
            description=str(manifest.get("description", "")),
            fingerprint=self.hash.hexdigest()[:16],
            root=self.root,
            files=tuple(files),
            start_pos=start_pos,
            status_line=self.status_line(manifest),
            unlisted=tuple(self.unlisted),
            constants=env.constants,
            summary=summary,
        )

    def file_scenes(self, name: str, content: bytes | None, seen_ids: dict[str, Pos]) -> list[_Raw]:
        """The scenes of one scene file, as read; `seen_ids` (id -> where) finds ids used twice."""
        shown = os.path.join(self.root, name)
        data = self.parse(name, content) if content is not None else None
        if data is None:
            if not any(d.pos.path == shown for d in self.ctx.diagnostics):
                self.ctx.error(Pos(shown, 1, 1), "file is empty", "a scene file needs scenes:")
            return []
        valid = _validate(self.ctx, data, Loc(shown, 1, 1), schema.SCENE_FILE, "a scene file")
        if not valid and (not isinstance(data, Map) or not isinstance(data.get("scenes"), Map)):
            return []
        episode = self.episode(data, shown)
        scenes = data["scenes"]
        raw: list[_Raw] = []
        for scene_id, scene in scenes.items():
            pos = scenes.key_loc(scene_id).pos
            if scene_id == RETURN:
                self.ctx.error(pos, "'return' cannot be a scene id", "goto: return means return from a call")
                continue
            if not IDENT.match(scene_id):
                self.ctx.error(
                    pos, f"'{scene_id}' cannot be a scene id", "use letters, digits and _ (no spaces or hyphens)"
                )
                continue
            if scene_id in seen_ids:
                first = seen_ids[scene_id]
                self.ctx.error(pos, f"duplicate scene id '{scene_id}' (first at {first})", "rename one of them")
                continue
            seen_ids[scene_id] = pos
            raw.append((shown, scene_id, scene, scenes.value_loc(scene_id), episode, pos))
        return raw

    def all_scenes(self, raw: list[_Raw], envs: dict[str, Env], env: Env) -> dict[str, Scene]:
        scenes: dict[str, Scene] = {}
        for _, scene_id, data, loc, episode, pos in raw:
            scene = self.scene(scene_id, data, loc, episode, envs.get(scene_id, env), pos)
            if scene is not None:
                scenes[scene_id] = scene
        scenes.update(self.parts)
        return _with_returns(scenes)

    def recall(self, manifest: Map, files: list[str]) -> Checked | None:
        """The record of this exact story checked clean before, if the caller has one and nothing is wrong so far."""
        story_id = manifest.get("id")
        if self.known is None or has_errors(self.ctx.diagnostics) or not isinstance(story_id, str):
            return None
        known = self.known(story_id, self.hash.hexdigest()[:16])
        if known is not None and known.files is not None and [name for name, _ in known.files] != files:
            return None
        return known

    def fits(self, summary: Summary, ids: frozenset[str]) -> bool:
        """False for a record that names a scene the story does not have: it is not this story's."""
        if has_errors(self.ctx.diagnostics):
            return False
        named = summary.counted | summary.returning | set(summary.returns_to)
        return all(sid.partition("/")[0] in ids for sid in named)

    def scenes_on_demand(
        self,
        raw: list[_Raw],
        contents: dict[str, bytes | None],
        known: Checked,
        envs: dict[str, Env],
        env: Env,
        summary: Summary,
    ) -> ScenesOnDemand:
        """The scenes of a story checked before, each compiled (with what it nests) when play first needs it.

        With the record's list of each file's scenes, a file is parsed only when one of its scenes is needed.
        """
        by_id = {r[1]: r for r in raw}
        recorded = dict(known.files or ())  # file name -> its scene ids, in order
        file_of = {sid: name for name, sids in recorded.items() for sid in sids}

        def scene_as_read(top: str) -> _Raw:
            if top not in by_id:
                name = file_of[top]
                found = self.file_scenes(name, contents[name], {})
                if tuple(r[1] for r in found) != recorded[name] or has_errors(self.ctx.diagnostics):
                    why = error(
                        Pos(os.path.join(self.root, name)),
                        "the file's scenes are not those recorded when the story was checked",
                        f"the record is not this story's: delete {RECORD_NAME} in the story's saves folder",
                    )
                    raise StoryError([why, *(d for d in self.ctx.diagnostics if d.severity.value == "error")])
                by_id.update((r[1], r) for r in found)
            return by_id[top]

        def build(top: str) -> dict[str, Scene]:
            _, _, data, loc, episode, pos = scene_as_read(top)
            self.parts.clear()
            scene = (
                None
                if has_errors(self.ctx.diagnostics)
                else self.scene(top, data, loc, episode, envs.get(top, env), pos)
            )
            made = {top: scene} if scene is not None else {}
            made.update(self.parts)
            self.parts.clear()
            if has_errors(self.ctx.diagnostics):  # the record was wrong: the story is not the one checked
                raise StoryError([d for d in self.ctx.diagnostics if d.severity.value == "error"])
            for sid in summary.returning & made.keys():
                made[sid] = replace(made[sid], returns_to=summary.returns_to)
            return made

        return ScenesOnDemand(tuple(by_id) if not recorded else tuple(file_of), build)

    def status_line(self, manifest: Map) -> str:
        value = manifest.get("status_line", "numbers")
        if value not in STATUS_LINES:
            self.ctx.error(
                manifest.value_pos("status_line"),
                f"status_line must be one of {', '.join(STATUS_LINES)}",
                suggest(str(value), STATUS_LINES),
            )
            return "numbers"
        return str(value)

    def constants(self, manifest: Map, variables: dict[str, Variable]) -> dict[str, int | bool | str]:
        """`constants:`: named values for conditions and text that never change (and are never saved)."""
        table = manifest.get("constants")
        if not isinstance(table, Map):
            return {}
        out: dict[str, int | bool | str] = {}
        for name, value in table.items():
            pos = table.key_loc(name).pos
            if not IDENT.match(name) or name in RESERVED:
                self.ctx.error(pos, f"'{name}' cannot be a constant's name", "use letters, digits and _, not a keyword")
            elif name in variables:
                self.ctx.error(pos, f"'{name}' is both a constant and a variable", "rename one of them")
            elif not isinstance(value, (int, bool, str)) or (isinstance(value, int) and abs(value) > MAX_CONSTANT):
                self.ctx.error(
                    table.value_pos(name),
                    f"constant '{name}' must be a whole number (at most {MAX_CONSTANT:,} either way), true, false or text",
                )
            elif isinstance(value, str) and not _refuse_control(self.ctx, value, table.value_loc(name), f"'{name}'"):
                continue
            else:
                out[name] = value
        return out

    def scene_locals(self, raw: list[_Raw], variables: dict[str, Variable], env: Env) -> dict[str, Env]:
        """Each scene's `local:` values, added to `variables` as `scene.name`; the Env its expressions see."""
        envs: dict[str, Env] = {}
        for _, scene_id, data, _loc, _episode, _pos in raw:
            table = data.get("local") if isinstance(data, Map) else None
            if not isinstance(table, Map):
                continue
            mine: dict[str, Variable] = {}
            for name, decl in table.items():
                pos = table.key_loc(name).pos
                if not IDENT.match(name) or name in RESERVED:
                    self.ctx.error(
                        pos, f"'{name}' cannot be a variable name", "use letters, digits and _, not a keyword"
                    )
                    continue
                if name in variables or name in env.constants:
                    self.ctx.error(pos, f"local '{name}' has the name of a story variable or constant", "rename it")
                    continue
                qualified = f"{scene_id}.{name}"
                variable = self.variable(qualified, decl, table.value_loc(name), pos, len(variables))
                if variable is not None:
                    variable = replace(variable, scope=scene_id, public=False)
                    variables[qualified] = mine[name] = variable
            envs[scene_id] = Env({**variables, **mine}, env.scenes, constants=env.constants)
        return envs

    def episode(self, data: Map, shown: str) -> Episode | None:
        spec = data.get("episode")
        if spec is None:
            return None
        if not _validate(self.ctx, spec, data.value_loc("episode"), schema.EPISODE, "episode"):
            return None
        return Episode(spec["number"], spec["title"], shown)

    def template(self, obj: Map, key: str, env: Env) -> Template | None:
        value = obj.get(key)
        if type(value) is not str:
            return None
        return _compile(self.ctx, compile_template, value, env, obj, key)

    def condition(self, obj: Map, key: str, env: Env) -> Condition | None:
        value = obj.get(key)
        if value is None or not isinstance(value, (str, bool)):
            return None
        return _compile(self.ctx, compile_condition, value, env, obj, key)

    def assumption(self, obj: Map, env: Env, where: str) -> Assumption | None:
        """The `assumes:` key of a scene or choice, compiled and located."""
        condition = self.condition(obj, "assumes", env)
        if condition is None:
            return None
        return Assumption(condition, str(obj["assumes"]), where, obj.value_pos("assumes"))

    def prose_assumes(self, obj: Map, key: str, template: Template | None, where: str) -> tuple[Assumption, ...]:
        """The `{assume}` tags of `obj[key]`, each located at its tag in the file."""
        if template is None or not template.assumes:
            return ()
        loc = _loc_in(obj, key)
        return tuple(
            Assumption(tag.condition, tag.source, where, loc.at(tag.offset, template.source), tag.reads, tag.when)
            for tag in template.assumes
        )

    def check_story_id(self, manifest: Map) -> None:
        """The id names the saves folder, so it must be a plain, portable name."""
        story_id = manifest.get("id")
        if isinstance(story_id, str) and not is_portable_story_id(story_id):
            self.ctx.error(
                manifest.value_pos("id"),
                f"{story_id[:40]!r} cannot be a story id",
                "use letters, digits, - and _ (at most 64, not a Windows device name such as con)",
            )

    def scene(
        self,
        scene_id: str,
        data: Any,
        loc: Loc,
        episode: Episode | None,
        env: Env,
        pos: Pos,
        part_of: Scene | None = None,
        falls_to: str | None = None,
    ) -> Scene | None:
        """One scene; the scenes its nested choices and inline `then:` make are added to `self.parts`.

        `part_of` is the scene an inline `then:` belongs to: it shares its title,
        episode and caption unless it gives its own. An inline `then:` with no
        way on of its own goes on to `falls_to`, the gather around it.
        """
        if data is None:
            self.ctx.error(pos, f"scene '{scene_id}' is empty", "give it text and choices, goto, route or ending")
            return None
        valid = _validate(self.ctx, data, loc, schema.SCENE, f"scene '{scene_id}'")
        if not valid and (not isinstance(data, Map)):
            return None
        ways = [k for k in schema.SCENE_WAYS_ON if k in data]
        if not ways and falls_to is None:
            self.ctx.error(pos, f"scene '{scene_id}' has no way on", "add choices, goto, route or ending")
        elif len(ways) > 1:
            self.ctx.error(
                data.key_loc(ways[1]).pos,
                f"scene '{scene_id}' has both {ways[0]} and {ways[1]}",
                "a scene goes on in exactly one way",
            )
        if "then" in data and "choices" not in data:
            self.ctx.error(data.key_loc("then").pos, "then: gathers choices, and this scene has none", "remove then:")
        if "local" in data and part_of is not None:
            self.ctx.error(data.key_loc("local").pos, "local: goes on the scene this then: belongs to")
        if "call" in data and "goto" not in data:
            self.ctx.error(data.key_loc("call").pos, "call: needs a goto: to go on to when the called scene returns")
        title = data.get("title") if isinstance(data.get("title"), str) else None
        if title is None:
            title = part_of.title if part_of else scene_id.replace("_", " ").strip().capitalize()
        when = data.get("when") if isinstance(data.get("when"), str) else (part_of.when if part_of else "")
        flashback = data.get("flashback") is True or (
            part_of is not None and "flashback" not in data and part_of.flashback
        )
        text, later = self.prose_with_effects(data, env)
        again = self.template(data, "again", env)
        if again is not None and again.assumes:
            self.ctx.error(
                _loc_in(data, "again").at(again.assumes[0].offset, again.source),
                "{assume} cannot go in again:",
                "put the claim in the scene's assumes:, which holds on every visit",
            )
        where = f"scene '{scene_id}'"
        scene = Scene(
            id=scene_id,
            title=title,
            text=text,
            ending=data.get("ending") if isinstance(data.get("ending"), str) else None,
            effects=_effects(self.ctx, data, env),
            episode=episode,
            flashback=flashback,
            when=when,
            pos=pos,
            ending_pos=data.value_pos("ending") if "ending" in data else pos,
            assumes=self.assumption(data, env, where),
            text_assumes=self.prose_assumes(data, "text", text, f"text of {where}"),
            parent=part_of.parent or part_of.id if part_of else "",
            again=again,
            later=later,
        )
        routes: list[Route] = []
        if isinstance(data.get("goto"), str):
            call = data.get("call") if isinstance(data.get("call"), str) else ""
            routes.append(Route(data["goto"], None, data.value_pos("goto"), call))
        if isinstance(data.get("route"), Seq):
            routes += self.routes(scene_id, data, env)
        if not ways and falls_to is not None:
            routes.append(Route(falls_to, None, pos))
        choices: list[Choice] = []
        if isinstance(data.get("choices"), Seq):
            gather = self.gather(scene, data, scene_id, env, None)
            choices = self.choice_list(scene, scene_id, data, env, gather)
        return replace(scene, choices=tuple(choices), routes=tuple(routes))

    def prose_with_effects(
        self, data: Map, env: Env
    ) -> tuple[Template | None, tuple[tuple[tuple[Effect, ...], Template | None], ...]]:
        """The scene's text up to its first `{do: ...}` tag, then (effects, text after) for each tag, then `after:`."""
        source = data.get("text")
        after = _effects(self.ctx, data, env, "after")
        if type(source) is not str:
            return None, ((after, None),) if after else ()
        tags = _do_tags(source)
        if not tags:
            return self.template(data, "text", env), ((after, None),) if after else ()
        loc = _loc_in(data, "text")
        later: list[tuple[tuple[Effect, ...], Template | None]] = []
        first = self.segment(source, 0, tags[0][0], data, env)
        for i, (_, end, effect_source, effect_at) in enumerate(tags):
            try:
                effect = compile_effect(effect_source, env)
            except ExprError as exc:
                self.ctx.error(loc.at(effect_at + exc.offset, source), exc.message, exc.hint)
                continue
            stop = tags[i + 1][0] if i + 1 < len(tags) else len(source)
            segment = self.segment(source, end, stop, data, env)
            if segment is not None and segment.assumes:
                self.ctx.error(
                    loc.at(end + segment.assumes[0].offset, source),
                    "{assume} cannot come after a {do} tag",
                    "move it before the first {do}, or into the scene's assumes:",
                )
            later.append(((effect,), segment))
        if after:
            later.append((after, None))
        return first, tuple(later)

    def segment(self, source: str, start: int, stop: int, data: Map, env: Env) -> Template | None:
        """Part of a scene's text between {do} tags, compiled; errors point into the whole text."""
        try:
            return compile_template(source[start:stop], env)
        except ExprError as exc:
            self.ctx.error(_loc_in(data, "text").at(start + exc.offset, source), exc.message, exc.hint)
            return None

    def routes(self, scene_id: str, data: Map, env: Env) -> list[Route]:
        """A `route:` list: the first whose `if` holds, or, with `chance:` weights, one picked by them."""
        items = data["route"]
        if not items:
            self.ctx.error(data.value_pos("route"), f"scene '{scene_id}' has an empty route list")
            return []
        valid = [
            (item, item_loc)
            for item, item_loc in items.located()
            if _validate(self.ctx, item, item_loc, schema.ROUTE, "a route")
        ]
        by_chance = any("chance" in item for item, _ in valid)
        routes = []
        for i, (item, item_loc) in enumerate(valid):
            last = i == len(valid) - 1
            weight = item.get("chance", 0)
            if by_chance:
                if "chance" not in item:
                    self.ctx.error(
                        item_loc.pos,
                        "this route has no chance: weight, but others in the list do",
                        "give every route in a chance list a weight, such as chance: 1",
                    )
                elif not isinstance(weight, int) or not 1 <= weight <= MAX_WEIGHT:
                    self.ctx.error(
                        item.value_pos("chance"),
                        f"chance: must be a whole number from 1 to {MAX_WEIGHT:,}",
                        "weights are relative: chance: 1 and chance: 3 make one in four",
                    )
                    weight = 1
            elif last and "if" in item:
                self.ctx.error(
                    item.key_loc("if").pos,
                    "the last route has a condition, so a game could find no way on",
                    "remove 'if' from the last route",
                )
            elif not last and "if" not in item:
                self.ctx.warn(item_loc.pos, "this route has no condition, so the routes after it are never taken")
            call = item.get("call") if isinstance(item.get("call"), str) else ""
            routes.append(Route(item["goto"], self.condition(item, "if", env), item.value_pos("goto"), call, weight))
        if by_chance and routes and all(r.condition is not None for r in routes):
            self.ctx.error(
                data.value_pos("route"),
                "every route in this chance list has a condition, so a game could find no way on",
                "leave at least one route without if:",
            )
        return routes

    def gather(self, owner: Scene, holder: Map, path: str, env: Env, outer: str | None) -> str | None:
        """Where choices without a goto go: `holder`'s `then:` (a scene id, or a scene written there), else `outer`."""
        then = holder.get("then")
        if isinstance(then, str):
            return then
        if isinstance(then, Map):
            inline_id = f"{path}/then"
            scene = self.scene(
                inline_id, then, holder.value_loc("then"), owner.episode, env, holder.key_loc("then").pos, owner, outer
            )
            if scene is not None:
                self.parts[inline_id] = scene
            return inline_id
        return outer

    def choice_list(self, owner: Scene, path: str, holder: Map, env: Env, gather: str | None) -> list[Choice]:
        """The choices under `holder['choices']`, at scene (or nested scene) `path`."""
        items = holder["choices"]
        if not items:
            self.ctx.error(holder.value_pos("choices"), f"scene '{path}' has an empty choices list")
        ids: dict[str, Loc] = {}
        choices = []
        for item, item_loc in items.located():
            choice = self.choice(owner, path, item, item_loc, env, ids, gather)
            if choice is not None:
                choices.append(choice)
        return choices

    def choice(
        self, owner: Scene, scene_id: str, item: Any, loc: Loc, env: Env, ids: dict[str, Loc], gather: str | None
    ) -> Choice | None:
        valid = _validate(self.ctx, item, loc, schema.CHOICE, "a choice")
        if not valid and (not isinstance(item, Map) or not isinstance(item.get("text"), str)):
            return None
        text = item["text"]
        explicit = item.get("id")
        if isinstance(explicit, str):
            choice_id = explicit
            if not SLUG.match(choice_id):
                self.ctx.error(item.value_pos("id"), f"'{choice_id}' cannot be a choice id", "use a-z, digits, - and _")
        else:
            choice_id = slugify(_menu_words(text)) or f"choice-{len(ids) + 1}"
        if choice_id in ids:
            where = item.value_pos("id") if "id" in item else item.value_pos("text")
            self.ctx.error(
                where,
                f"two choices in scene '{scene_id}' have the id '{choice_id}' (first at line {ids[choice_id].line})",
                "give one of them its own id: key",
            )
        ids[choice_id] = loc
        get = item.get
        locked, once, fallback = get("locked"), get("once"), get("fallback")
        if locked is not None and "requires" not in item:
            self.ctx.warn(
                item.key_loc("locked").pos, "'locked' has no effect without 'requires'", "add requires: a condition"
            )
        if fallback is True and ("if" in item or "requires" in item):
            self.ctx.warn(loc.pos, "a fallback choice with a condition may leave a game with no way on")
        goto = self.choice_goto(owner, scene_id, choice_id, item, loc, env, gather)
        menu, echo = _split_choice_text(text)
        template = _compile(self.ctx, compile_template, menu, env, item, "text") if menu != text else None
        if template is None:
            template = self.template(item, "text", env)
        echo_template = _compile(self.ctx, compile_template, echo, env, item, "text") if echo else None
        reply = self.template(item, "reply", env)
        where = f"choice '{scene_id}:{choice_id}'"
        return Choice(
            id=choice_id,
            scene=scene_id,
            text=template or compile_template("", env),
            goto=goto,
            condition=self.condition(item, "if", env),
            requirement=self.condition(item, "requires", env),
            locked_reason=locked if type(locked) is str else "",
            once=once is True,
            fallback=fallback is True,
            effects=_effects(self.ctx, item, env),
            reply=reply,
            pos=loc.pos,
            goto_pos=item.value_pos("goto") if "goto" in item else loc.pos,
            assumes=self.assumption(item, env, where),
            text_assumes=self.prose_assumes(item, "text", template, f"text of {where}"),
            reply_assumes=self.prose_assumes(item, "reply", reply, f"reply of {where}"),
            call=get("call") if isinstance(get("call"), str) else "",
            echo=echo_template,
        )

    def choice_goto(
        self, owner: Scene, scene_id: str, choice_id: str, item: Map, loc: Loc, env: Env, gather: str | None
    ) -> str:
        """Where a choice leads: its goto, the scene its nested choices or routes make, or where it gathers."""
        ways = [k for k in ("goto", "choices", "route") if k in item]
        if len(ways) > 1:
            self.ctx.error(
                item.key_loc(ways[1]).pos,
                f"a choice with both {ways[0]} and {ways[1]}",
                "a choice goes on in exactly one way",
            )
        if "then" in item and "choices" not in item:
            self.ctx.error(item.key_loc("then").pos, "then: gathers nested choices, and this choice has none")
        if "call" in item and "choices" in item:
            self.ctx.error(item.key_loc("call").pos, "a choice with nested choices cannot also call a scene")
        if isinstance(item.get("goto"), str):
            return str(item["goto"])
        inner = f"{scene_id}/{choice_id}"
        if isinstance(item.get("choices"), Seq) or isinstance(item.get("route"), Seq):
            part = Scene(
                id=inner,
                title=owner.title,
                text=None,
                episode=owner.episode,
                flashback=owner.flashback,
                when=owner.when,
                pos=loc.pos,
                ending_pos=loc.pos,
                parent=owner.parent or owner.id,
            )
            if "choices" in item:
                choices = self.choice_list(owner, inner, item, env, self.gather(owner, item, inner, env, gather))
                part = replace(part, choices=tuple(choices))
            else:
                part = replace(part, routes=tuple(self.routes(inner, item, env)))
            self.parts[inner] = part
            return inner
        if gather is None:
            self.ctx.error(
                loc.pos,
                f"choice '{scene_id}:{choice_id}' has no goto, and no then: gathers it",
                "add goto: a scene, or then: on the scene (or on the choice above) to gather its choices",
            )
            return ""
        return gather


_FILE_HINTS = {
    "is a link to a file that does not exist": "point the link at a file, or list the file itself",
}


def _not_a_file(path: str) -> str:
    """Why a listed scene file cannot be one, in words ("" when it is a plain file or a link to be checked on reading)."""
    try:
        info = os.lstat(path)
    except OSError:
        return "does not exist"
    if stat.S_ISLNK(info.st_mode):
        return "" if os.path.exists(path) else "is a link to a file that does not exist"
    if not stat.S_ISREG(info.st_mode):
        return f"is {kind_of(info.st_mode)}, not a plain file"
    return ""


def _with_returns(scenes: dict[str, Scene]) -> dict[str, Scene]:
    """Tell each scene that returns where a return may go: every call's way on (what the explorer follows)."""
    points, returning = returns(scenes.values())
    for sid in returning:
        scenes[sid] = replace(scenes[sid], returns_to=points)
    return scenes


def story_root(path: str) -> str:
    """Accept a story folder or its story.yaml; return the folder."""
    if os.path.basename(path) == MANIFEST_NAME or (os.path.isfile(path) and path.endswith((".yaml", ".yml"))):
        return os.path.dirname(path) or "."
    return path


def read_story(path: str, known: Known | None = None) -> tuple[Story | None, list[Diagnostic]]:
    """Load what can be loaded and report every problem in the files themselves.

    `known` may say the story, as read, was checked clean before (`checked.py`):
    its scenes are then compiled on first use instead of now.
    """
    root = story_root(path)
    if not os.path.isdir(root):
        return None, [error(Pos(path), "no such story folder", "give the folder that holds story.yaml")]
    loader = _Loader(root, known)
    # The cyclic collector has nothing to find in freshly parsed data and
    # triples load time on large stories; pause it for the load.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        story = loader.load()
    finally:
        if was_enabled:
            gc.enable()
    return story, loader.ctx.diagnostics


def load_story(path: str, known: Known | None = None) -> Story:
    """Load and fully check a story; raise StoryError if anything is an error.

    A story `known` to have been checked clean, byte for byte, is not checked
    again, and its scenes are compiled on first use (see `read_story`).
    """
    story, diagnostics = read_story(path, known)
    if story is not None and story.summary is None and not has_errors(diagnostics):
        from .check import check_story  # imported here: a story checked before is not checked again

        diagnostics = diagnostics + check_story(story)
    if story is None or has_errors(diagnostics):
        raise StoryError([d for d in diagnostics if d.severity.value == "error"])
    return story
