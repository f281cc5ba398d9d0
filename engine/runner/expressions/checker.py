"""Parse the Python form and check any tree (Python or translated JUEL) against the whitelist."""

from __future__ import annotations

import ast
import warnings
from collections.abc import Callable

from engine.runner.expressions.el.nodes import ElBinary, ElMember, ElNegate, EmptyTest, StrictBool
from engine.runner.expressions.errors import ExpressionError
from engine.runner.expressions.limits import MAX_DEPTH, MAX_INT_BITS

Locate = Callable[[ast.AST], "int | None"]

_OPERATORS: tuple[type[ast.AST], ...] = (
    ast.Add,
    ast.Sub,
    ast.Mult,
    ast.Div,
    ast.FloorDiv,
    ast.Mod,
    ast.Pow,
    ast.And,
    ast.Or,
    ast.Not,
    ast.USub,
    ast.UAdd,
    ast.Eq,
    ast.NotEq,
    ast.Lt,
    ast.LtE,
    ast.Gt,
    ast.GtE,
    ast.In,
    ast.NotIn,
    ast.Is,
    ast.IsNot,
    ast.Load,
    ast.keyword,
)
_PLAIN: tuple[type[ast.AST], ...] = (
    ast.BoolOp,
    ast.BinOp,
    ast.UnaryOp,
    ast.Compare,
    ast.IfExp,
    ast.List,
    ast.Tuple,
    EmptyTest,
    StrictBool,
    ElBinary,
    ElNegate,
    *_OPERATORS,
)
_CONSTANT_TYPES = (str, int, float, bool, type(None))
_REFUSED: dict[type[ast.AST], tuple[str, str]] = {
    ast.Lambda: ("不支持 lambda", "lambda is not allowed"),
    ast.ListComp: ("不支持推导式", "Comprehensions are not allowed"),
    ast.SetComp: ("不支持推导式", "Comprehensions are not allowed"),
    ast.DictComp: ("不支持推导式", "Comprehensions are not allowed"),
    ast.GeneratorExp: ("不支持生成器表达式", "Generator expressions are not allowed"),
    ast.JoinedStr: ("不支持 f-字符串；请用 + 拼接字符串", "f-strings are not allowed; join strings with +"),
    ast.NamedExpr: ("不支持海象赋值 :=", "The walrus operator := is not allowed"),
    ast.Starred: ("不支持 * 解包", "Starred unpacking is not allowed"),
    ast.Slice: (
        "不支持切片；请用单个下标，例如 items[0]",
        "Slices are not allowed; use one index, e.g. items[0]",
    ),
    ast.Set: ("不支持集合字面量；请用列表 [...]", "Set literals are not allowed; use a list [...]"),
    ast.BitAnd: ("不支持位运算；逻辑与请写 and", "Bitwise operators are not allowed; write and"),
    ast.BitOr: ("不支持位运算；逻辑或请写 or", "Bitwise operators are not allowed; write or"),
}
_JUEL_WORDS = {"true": "True", "false": "False", "null": "None"}


def parse_python(source: str) -> ast.expr:
    """Parse the Python form (no evaluation: parsing only); refuse anything but one expression."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(source, mode="eval").body
    except SyntaxError as exc:
        hint_zh, hint_en = "", ""
        if any(mark in source for mark in ("&&", "||", "!", " eq ", " ne ", "empty ")):
            hint_zh, hint_en = "；JUEL 写法请用 ${...} 包起来", "; wrap JUEL in ${...}"
        raise ExpressionError(
            f"表达式语法错误：{exc.msg}{hint_zh}",
            f"Syntax error: {exc.msg}{hint_en}",
            position=(exc.offset or 1) - 1,
        ) from None
    except (ValueError, MemoryError, RecursionError) as exc:
        raise ExpressionError("表达式无法解析", f"The expression cannot be parsed: {exc}") from None


def python_locator(source: str) -> Locate:
    """Map a Python node's (line, UTF-8 byte column) to a character offset in ``source``."""
    lines = source.split("\n")

    def locate(node: ast.AST) -> int | None:
        line, column = getattr(node, "lineno", None), getattr(node, "col_offset", None)
        if line is None or column is None or line > len(lines):
            return None
        before = sum(len(text) + 1 for text in lines[: line - 1])
        return before + len(lines[line - 1].encode()[:column].decode(errors="ignore"))

    return locate


def juel_locator(node: ast.AST) -> int | None:
    """JUEL nodes carry the character offset itself."""
    column = getattr(node, "col_offset", None)
    return column if isinstance(column, int) else None


def check_depth(tree: ast.AST, locate: Locate) -> None:
    """Refuse trees deeper than ``MAX_DEPTH`` (iteratively, so a deep tree cannot exhaust the stack)."""
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ExpressionError(
                f"表达式嵌套过深（上限 {MAX_DEPTH} 层）；请拆分条件",
                f"The expression nests too deeply (limit {MAX_DEPTH}); split the condition",
                position=locate(node),
            )
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))


class Checker:
    """Walks a tree; refuses every node outside the whitelist; collects variable and function names."""

    def __init__(self, allowed_functions: frozenset[str], locate: Locate, *, python_form: bool) -> None:
        self.allowed_functions = allowed_functions
        self.locate = locate
        self.python_form = python_form
        self.names: set[str] = set()
        self.functions: set[str] = set()

    def check(self, tree: ast.expr) -> None:
        check_depth(tree, self.locate)
        self.visit(tree)

    def refuse(self, node: ast.AST, message_zh: str, message_en: str) -> ExpressionError:
        return ExpressionError(message_zh, message_en, position=self.locate(node))

    def visit(self, node: ast.AST) -> None:
        match node:
            case ast.Name():
                self.name(node)
            case ast.Constant():
                self.constant(node)
            case ast.Dict():
                self.dictionary(node)
            case ast.Subscript():
                self.subscript(node)
            case ElMember():
                self.member(node)
            case ast.Call():
                self.call(node)
            case _ if isinstance(node, _PLAIN):
                for child in ast.iter_child_nodes(node):
                    self.visit(child)
            case _:
                raise self.refused(node)

    def refused(self, node: ast.AST) -> ExpressionError:
        if isinstance(node, ast.Attribute):
            text = ast.unparse(node)
            return self.refuse(
                node,
                f"不支持属性访问 '{text}'；请只引用流程变量，取字段请写 x['字段']",
                f"Attribute access '{text}' is not allowed; reference case variables only, "
                "and read a field with x['field']",
            )
        zh, en = _REFUSED.get(type(node), (None, None))
        if zh is None or en is None:
            kind = type(node).__name__
            zh, en = f"不支持的语法：{kind}", f"{kind} is not allowed in a diagram expression"
        return self.refuse(
            node,
            f"{zh}；只能使用变量、字面量、比较、逻辑与算术运算",
            f"{en}; use variables, literals, comparisons, logic and arithmetic only",
        )

    def name(self, node: ast.Name) -> None:
        self.refuse_dunder(node, node.id)
        if self.python_form and node.id in _JUEL_WORDS:
            word = _JUEL_WORDS[node.id]
            raise self.refuse(
                node,
                f"Python 写法中请写 {word}，或把 JUEL 用 ${{...}} 包起来",
                f"In the Python form write {word}, or wrap JUEL in ${{...}}",
            )
        self.names.add(node.id)

    def constant(self, node: ast.Constant) -> None:
        value = node.value
        if not isinstance(value, _CONSTANT_TYPES):
            raise self.refuse(
                node,
                f"不支持的字面量 {value!r}；只能用字符串、数字、布尔值与 None",
                f"Literal {value!r} is not allowed; use strings, numbers, booleans and None",
            )
        if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
            raise self.refuse(node, "数字过大", f"The number is too large (limit {MAX_INT_BITS} bits)")

    def dictionary(self, node: ast.Dict) -> None:
        if any(key is None for key in node.keys):
            raise self.refuse(node, "不支持 ** 解包", "Dictionary unpacking ** is not allowed")
        for child in (*node.keys, *node.values):
            if child is not None:
                self.visit(child)

    def subscript(self, node: ast.Subscript) -> None:
        key = node.slice
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            self.refuse_dunder(key, key.value)
        self.visit(node.value)
        self.visit(key)

    def member(self, node: ElMember) -> None:
        key = node.key
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            self.refuse_dunder(key, key.value)
        self.visit(node.value)
        self.visit(key)

    def call(self, node: ast.Call) -> None:
        func = node.func
        if not isinstance(func, ast.Name):
            text = ast.unparse(func)
            raise self.refuse(
                node,
                f"不能调用 '{text}'；只能调用允许的函数，例如 workdays(7)",
                f"Calling '{text}' is not allowed; call allow-listed functions only, e.g. workdays(7)",
            )
        self.refuse_dunder(func, func.id)
        if func.id not in self.allowed_functions:
            allowed = "、".join(sorted(self.allowed_functions)) or "无"
            allowed_en = ", ".join(sorted(self.allowed_functions)) or "none"
            raise self.refuse(
                node,
                f"未知函数 '{func.id}'；可用的函数：{allowed}",
                f"Unknown function '{func.id}'; the allowed functions are: {allowed_en}",
            )
        self.functions.add(func.id)
        for keyword in node.keywords:
            if keyword.arg is None:
                raise self.refuse(node, "不支持 ** 解包", "Keyword unpacking ** is not allowed")
            self.refuse_dunder(keyword, keyword.arg)
        for child in (*node.args, *(keyword.value for keyword in node.keywords)):
            self.visit(child)

    def refuse_dunder(self, node: ast.AST, name: str) -> None:
        if name.startswith("__"):
            raise self.refuse(
                node,
                f"不允许以双下划线开头的名称 '{name}'；请使用普通的变量名",
                f"Names starting with a double underscore such as '{name}' are not allowed; "
                "use plain variable names",
            )
