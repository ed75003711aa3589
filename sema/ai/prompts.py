"""Messages and prompts as values.

A **message** is a plain map, the shape every ``llm/*`` builtin takes::

    {:role :user :content "Hello"}            ; roles :system :user :assistant :tool
    {:role :assistant :content "" :tool-calls ({:id "c1" :name "get-weather" :arguments {:city "Oslo"}})}
    {:role :tool :content "sunny" :tool-call-id "c1" :name "get-weather"}

``(message :user "Hello, " name)`` builds one from stringified parts.

A **prompt** is an immutable list of messages, written with the ``prompt``
form: ``(prompt (system "Be brief.") (user "Hi {{name}}") msg other-prompt)``.
Inside it, ``(system ...)``, ``(user ...)``, ``(assistant ...)`` and
``(tool ...)`` are messages of that role; any other part is evaluated and
may be a message, a prompt (spliced), a list of messages or a string (a
user message).  A prompt is accepted wherever a prompt string or a message
list is (``llm/complete``, ``llm/chat``, ``llm/stream``, ``llm/send``, ...).

The algebra returns new prompts: ``prompt/append`` (``prompt/concat``),
``prompt/set-system``, ``prompt/fill`` (``{{slot}}`` substitution, partial
fills leave the other slots), ``prompt/slots``, ``prompt/diff``,
``prompt/union``/``intersection``/``difference`` (by role and content),
and ``prompt/render`` for plain string templates.
"""

from __future__ import annotations

import re

from ..errors import LispTypeError, LispValueError
from ..llm.describe import got
from ..printer import display_str
from ..runtime.registry import Any, builtin
from ..values import EMPTY, ArrayList, EmptyList, Keyword, Map, Pair, iter_list, make_list, make_map

#: the group of docs/stdlib.md its builtins without a prefix are listed in
DOC_GROUP = "messages and prompts"
_K = Keyword
K_ROLE, K_CONTENT, K_TOOL_CALLS, K_TOOL_CALL_ID, K_NAME, K_TYPE, K_TEXT = (
    _K("role"), _K("content"), _K("tool-calls"), _K("tool-call-id"), _K("name"), _K("type"), _K("text"))
ROLES = ("system", "user", "assistant", "tool")
SLOT = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_\-?!.]*)\s*\}\}")


def lisp_type(name: str):
    """Give a value class its Lisp type name: ``(type x)`` is ``:NAME`` and it prints ``#<NAME ...>``."""
    def mark(cls):
        cls.__name__ = name
        return cls
    return mark


# ---------------------------------------------------------------- messages


def role_of(who: str, role) -> str:
    name = role.name if role.__class__ is Keyword else role if isinstance(role, str) else None
    if name is not None and name.startswith(":"):
        name = name[1:]
    if name not in ROLES:
        raise LispValueError(f"{who}: the role must be :system, :user, :assistant or :tool, got {got(role)}")
    return name


def part_text(x) -> str:
    """A part of a message, as text: strings as they are, nil as nothing, other values displayed."""
    if x is None:
        return ""
    return x if isinstance(x, str) else display_str(x)


def make_message(role: str, content, **extra) -> Map:
    pairs = [(K_ROLE, _K(role)), (K_CONTENT, content)]
    pairs += [(_K(k.replace("_", "-")), v) for k, v in extra.items() if v is not None]
    return make_map(pairs)


def is_message(x) -> bool:
    if not isinstance(x, Map):
        return False
    role = x.get(K_ROLE)
    name = role.name if role.__class__ is Keyword else role
    return name in ROLES and (isinstance(x.get(K_CONTENT), str) or x.get(K_CONTENT) is None
                              or isinstance(x.get(K_CONTENT), (Pair, ArrayList, tuple)))


def message_text(m: Map) -> str:
    """The text of a message (the text parts of a message with images)."""
    content = m.get(K_CONTENT)
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    texts = []
    for part in (content if isinstance(content, tuple) else iter_list(content)):
        if isinstance(part, str):
            texts.append(part)
        elif isinstance(part, Map) and isinstance(part.get(K_TEXT), str):
            texts.append(part.get(K_TEXT))
    return "".join(texts)


def message_role(m: Map) -> str:
    role = m.get(K_ROLE)
    return role.name if role.__class__ is Keyword else str(role)


def with_text(m: Map, text: str) -> Map:
    return m.set(K_CONTENT, text)


def _seq(x) -> list | None:
    if isinstance(x, (Pair, ArrayList, EmptyList)):
        return list(iter_list(x))
    if x.__class__ is tuple:
        return list(x)
    return None


def messages_in(who: str, parts) -> list[Map]:
    """The messages of PARTS: messages, prompts and conversations (spliced), lists of them, strings."""
    out: list[Map] = []
    for part in parts:
        if part is None:
            continue
        if isinstance(part, str):
            out.append(make_message("user", part))
        elif is_message(part):
            out.append(part)
        elif hasattr(part, "llm_messages"):
            out.extend(part.llm_messages())
        else:
            items = _seq(part)
            if items is None:
                raise LispTypeError(f"{who}: expected a message, a prompt, a list of messages or a string, "
                                    f"got {got(part)}")
            out.extend(messages_in(who, items))
    return out


# ---------------------------------------------------------------- prompts


def _key(m: Map) -> tuple:
    return message_role(m), message_text(m)


@lisp_type("prompt")
class Prompt:
    """An immutable sequence of message maps."""

    __slots__ = ("messages",)

    def __init__(self, messages=()):
        self.messages = tuple(messages)

    def llm_messages(self) -> list:
        return list(self.messages)

    def __eq__(self, other):
        from ..values import equal
        return isinstance(other, Prompt) and len(self.messages) == len(other.messages) and all(
            equal(a, b) for a, b in zip(self.messages, other.messages))

    def __hash__(self):
        return hash(tuple(_key(m) for m in self.messages))

    def __repr__(self) -> str:
        roles = " ".join(message_role(m) for m in self.messages) or "empty"
        slots = slots_of(self.messages)
        return f"{roles}" + (f" slots: {' '.join(slots)}" if slots else "")


def slots_of(messages) -> list[str]:
    seen: list[str] = []
    for m in messages:
        for name in SLOT.findall(message_text(m)):
            if name not in seen:
                seen.append(name)
    return seen


def fill_text(text: str, values: dict) -> str:
    return SLOT.sub(lambda m: part_text(values[m.group(1)]) if m.group(1) in values else m.group(0), text)


def _values(who: str, vars_) -> dict:
    if not isinstance(vars_, Map):
        raise LispTypeError(f"{who}: the slot values must be a map such as {{:name \"Ada\"}}, got {got(vars_)}")
    out = {}
    for k, v in vars_.items():
        k = getattr(k, "value", k)
        out[k.name if k.__class__ is Keyword else part_text(k)] = v
    return out


def _prompt_arg(who: str, p) -> Prompt:
    if isinstance(p, Prompt):
        return p
    return Prompt(messages_in(who, [p]))


# ---------------------------------------------------------------- builtins: messages


@builtin("message")
def message(role: Any, *parts: Any) -> Map:
    """A message of ROLE (:system :user :assistant :tool) whose content is PARTS, stringified and joined.

    (message :user "Hello, " "Ada" "!") ; => {:content "Hello, Ada!" :role :user}
    (message :system "Answer in " 3 " words") ; => {:content "Answer in 3 words" :role :system}
    """
    return make_message(role_of("message", role), "".join(part_text(p) for p in parts))


@builtin("message/role")
def message_role_(m: Map) -> Keyword:
    """The role of message M, as a keyword.

    (message/role (message :assistant "hi")) ; => :assistant
    """
    _check_message("message/role", m)
    return _K(message_role(m))


@builtin("message/content")
def message_content(m: Map) -> str:
    """The text of message M (the text parts, for a message with images).

    (message/content (message :user "What is " 6 "x7?")) ; => "What is 6x7?"
    """
    _check_message("message/content", m)
    return message_text(m)


@builtin("message?")
def message_p(x: Any) -> bool:
    """True for a message: a map with a :role (:system :user :assistant or :tool) and a :content.

    (message? (message :user "hi")) ; => #t
    (message? {:content "no role"}) ; => #f
    """
    return is_message(x)


_MAGIC = ((b"\x89PNG", "image/png"), (b"\xff\xd8\xff", "image/jpeg"), (b"GIF8", "image/gif"),
          (b"%PDF", "application/pdf"))


def _sniff(data: bytes) -> str | None:
    for magic, media in _MAGIC:
        if data.startswith(magic):
            return media
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


@builtin("message/with-image")
def message_with_image(role: Any, text: str, image: Any, opts: Map | None = None) -> Map:
    """A message of ROLE with TEXT and an image: a bytevector, a file path or an http(s) URL.

    The media type is sniffed from the bytes (PNG, JPEG, GIF, WebP, PDF) or the file name; OPTS
    {:media-type "image/png"} sets it. Every provider sends it its own way (vision models).

    (message/content (message/with-image :user "What is this?" #u8(137 80 78 71 0))) ; => "What is this?"
    """
    import base64
    who = "message/with-image"
    r = role_of(who, role)
    if not isinstance(text, str):
        raise LispTypeError(f"{who}: the text must be a string, got {got(text)}")
    media = None
    if opts is not None:
        media = opts.get(_K("media-type")) if isinstance(opts, Map) else None
    if isinstance(image, (bytes, bytearray)):
        media = media or _sniff(bytes(image))
        if media is None:
            raise LispValueError(f"{who}: cannot tell the image type of the bytes: give {{:media-type ...}}")
        part = make_map([(K_TYPE, "image"), (_K("media-type"), media),
                         (_K("data"), base64.b64encode(bytes(image)).decode("ascii"))])
    elif isinstance(image, str) and image.startswith(("http://", "https://", "data:")):
        part = make_map([(K_TYPE, "image"), (_K("url"), image)])
    elif isinstance(image, str):
        from ..llm.types import FieldError, image_from_file
        try:
            img = image_from_file(image, media)
        except FieldError as exc:
            raise LispValueError(f"{who}: {exc.message}") from None
        part = make_map([(K_TYPE, "image"), (_K("media-type"), img.media_type), (_K("data"), img.data)])
    else:
        raise LispTypeError(f"{who}: the image must be a bytevector, a file path or a URL, got {got(image)}")
    return make_message(r, make_list([make_map([(K_TYPE, "text"), (K_TEXT, text)]), part]))


def _check_message(who: str, m) -> None:
    if not is_message(m):
        raise LispTypeError(f"{who}: expected a message (a map with :role and :content), got {got(m)}")


# ---------------------------------------------------------------- builtins: prompts


@builtin("%prompt")
def make_prompt(*parts: Any) -> Prompt:
    """What the prompt form builds: a prompt of PARTS (messages, prompts, lists of messages, strings)."""
    return Prompt(messages_in("prompt", parts))


@builtin("prompt?")
def prompt_p(x: Any) -> bool:
    """True for a prompt value (made by the prompt form or the prompt/* functions).

    (prompt? (prompt (user "hi"))) ; => #t
    (prompt? "hi") ; => #f
    """
    return isinstance(x, Prompt)


@builtin("prompt/messages")
def prompt_messages(p: Any) -> Any:
    """The messages of prompt P, as a list of message maps.

    (prompt/messages (prompt (system "Be brief.") (user "Hi"))) ; => ({:content "Be brief." :role :system} {:content "Hi" :role :user})
    """
    return make_list(list(_prompt_arg("prompt/messages", p).messages))


@builtin("prompt/append", "prompt/concat")
def prompt_append(*parts: Any) -> Prompt:
    """A prompt of the messages of every part in order (prompts, messages, lists of messages, strings).

    (length (prompt/messages (prompt/append (prompt (system "s")) (message :user "u") "and more"))) ; => 3
    """
    return Prompt(messages_in("prompt/append", parts))


@builtin("prompt/set-system")
def prompt_set_system(p: Any, text: str) -> Prompt:
    """Prompt P with TEXT as its only system message, placed first.

    (prompt/messages (prompt/set-system (prompt (system "old") (user "hi")) "new")) ; => ({:content "new" :role :system} {:content "hi" :role :user})
    """
    who = "prompt/set-system"
    if not isinstance(text, str):
        raise LispTypeError(f"{who}: the system text must be a string, got {got(text)}")
    rest = [m for m in _prompt_arg(who, p).messages if message_role(m) != "system"]
    return Prompt([make_message("system", text)] + rest)


@builtin("prompt/fill")
def prompt_fill(p: Any, vars_: Map) -> Prompt:
    """Prompt P with each {{slot}} replaced by its value in VARS (a map); slots not given stay.

    (prompt/messages (prompt/fill (prompt (user "Hi {{name}}, {{mood}}?")) {:name "Ada"})) ; => ({:content "Hi Ada, {{mood}}?" :role :user})
    """
    who = "prompt/fill"
    values = _values(who, vars_)
    return Prompt([with_text(m, fill_text(message_text(m), values)) if isinstance(m.get(K_CONTENT), str) else m
                   for m in _prompt_arg(who, p).messages])


@builtin("prompt/slots")
def prompt_slots(p: Any) -> Any:
    """The {{slot}} names of P (a prompt or a string), as keywords, in order of first appearance.

    (prompt/slots (prompt (system "You are {{persona}}.") (user "{{question}} {{persona}}"))) ; => (:persona :question)
    """
    if isinstance(p, str):
        return make_list([_K(s) for s in slots_of([make_message("user", p)])])
    return make_list([_K(s) for s in slots_of(_prompt_arg("prompt/slots", p).messages)])


@builtin("prompt/diff")
def prompt_diff(a: Any, b: Any) -> Map:
    """What changed from prompt A to prompt B: {:added (messages of B not in A) :removed (of A not in B)}.

    Messages compare by role and content.

    (prompt/diff (prompt (user "a") (user "b")) (prompt (user "b") (user "c"))) ; => {:added ({:content "c" :role :user}) :removed ({:content "a" :role :user})}
    """
    pa, pb = _prompt_arg("prompt/diff", a), _prompt_arg("prompt/diff", b)
    ka, kb = {_key(m) for m in pa.messages}, {_key(m) for m in pb.messages}
    return make_map([(_K("added"), make_list([m for m in pb.messages if _key(m) not in ka])),
                     (_K("removed"), make_list([m for m in pa.messages if _key(m) not in kb]))])


@builtin("prompt/union")
def prompt_union(a: Any, b: Any) -> Prompt:
    """The messages of A, then those of B that A lacks (by role and content).

    (map message/content (prompt/messages (prompt/union (prompt (user "a")) (prompt (user "a") (user "b"))))) ; => ("a" "b")
    """
    pa, pb = _prompt_arg("prompt/union", a), _prompt_arg("prompt/union", b)
    seen = {_key(m) for m in pa.messages}
    return Prompt(list(pa.messages) + [m for m in pb.messages if _key(m) not in seen])


@builtin("prompt/intersection")
def prompt_intersection(a: Any, b: Any) -> Prompt:
    """The messages of A that B has too (by role and content).

    (map message/content (prompt/messages (prompt/intersection (prompt (user "a") (user "b")) (prompt (user "b"))))) ; => ("b")
    """
    pa, pb = _prompt_arg("prompt/intersection", a), _prompt_arg("prompt/intersection", b)
    kb = {_key(m) for m in pb.messages}
    return Prompt([m for m in pa.messages if _key(m) in kb])


@builtin("prompt/difference")
def prompt_difference(a: Any, b: Any) -> Prompt:
    """The messages of A that B lacks (by role and content).

    (map message/content (prompt/messages (prompt/difference (prompt (user "a") (user "b")) (prompt (user "b"))))) ; => ("a")
    """
    pa, pb = _prompt_arg("prompt/difference", a), _prompt_arg("prompt/difference", b)
    kb = {_key(m) for m in pb.messages}
    return Prompt([m for m in pa.messages if _key(m) not in kb])


@builtin("prompt/render", "prompt/template")
def prompt_render(template: str, vars_: Map) -> str:
    """The string TEMPLATE with each {{slot}} replaced by its value in VARS; slots not given stay.

    (prompt/render "Dear {{name}}, you owe {{amount}}." {:name "Ada" :amount 42}) ; => "Dear Ada, you owe 42."
    """
    if not isinstance(template, str):
        raise LispTypeError(f"prompt/render: the template must be a string, got {got(template)}")
    return fill_text(template, _values("prompt/render", vars_))




def message_map(m) -> Map:
    """A :class:`~sema.llm.types.Message` as a message map (role a keyword, as ``message`` makes them)."""
    from ..convert import from_python
    d = m.to_dict()
    pairs = [(K_ROLE, _K(d.pop("role"))), (K_CONTENT, d.pop("content"))]
    pairs += [(_K(k), from_python(v)) for k, v in d.items()]
    return make_map(pairs)


NAMES = ("%prompt", "message", "message/content", "message/role", "message/with-image", "message?",
         "prompt/append", "prompt/concat", "prompt/diff", "prompt/difference", "prompt/fill", "prompt/intersection",
         "prompt/messages", "prompt/render", "prompt/set-system", "prompt/slots", "prompt/template", "prompt/union",
         "prompt?")

__all__ = ["Prompt", "messages_in", "message_map", "make_message", "message_text", "message_role", "is_message",
           "lisp_type", "role_of", "part_text", "fill_text", "slots_of", "EMPTY"]
