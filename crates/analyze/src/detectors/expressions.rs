//! Expressions that do not mean what they seem to: `tx.origin` as
//! authentication, reversed shifts in assembly, packed encodings that
//! collide, `^` for `**`, division before multiplication, strict equality
//! on balances, and narrowing casts. Block values as randomness or as a
//! clock are in `block_values`.

use std::collections::HashSet;

use foundry_compilers::artifacts::ast::{
    BinaryOperator, Expression, FunctionCallKind, FunctionDefinition, LiteralKind, Statement,
    yul::{YulBlock, YulExpression},
};

use crate::detector::{Cx, Detector, Sink};
use crate::{
    Confidence, Severity,
    ast::{self, BodyVisitor, Place},
    flow::is_sender,
    program::referenced,
};

pub(super) static DETECTORS: &[Detector] = &[
    Detector {
        id: "tx-origin",
        title: "`tx.origin` used for authorisation",
        severity: Severity::Medium,
        confidence: Confidence::Medium,
        what: "A condition compares `tx.origin` with something other than `msg.sender`.",
        why: "A contract the owner calls can call this one with the owner's `tx.origin`: a \
              phishing contract passes the check.",
        help: "authorise `msg.sender`; `tx.origin == msg.sender` (\"an externally owned account calls\") is not reported",
        example: include_str!("../../testdata/src/tx-origin.sol"),
        run: tx_origin,
    },
    Detector {
        id: "incorrect-shift",
        title: "Shift operands in the wrong order (assembly)",
        severity: Severity::High,
        confidence: Confidence::High,
        what: "In assembly, `shl`, `shr` or `sar` shifts a constant shift-amount (8, 16, …, \
               256) by a variable: `shr(x, 8)` is `8 >> x`, not `x >> 8`. Only assembly: \
               Solidity's `1 << i` is what it says, and a constant mask shifted into place \
               (`shl(i, 1)`, `shl(i, 0xff)`) is not reported.",
        why: "Yul takes the shift amount first; the reversed order computes something else \
              without any error.",
        help: "swap the arguments: `shr(8, x)` shifts `x` right by 8 bits",
        example: include_str!("../../testdata/src/incorrect-shift.sol"),
        run: incorrect_shift,
    },
    Detector {
        id: "encode-packed-collision",
        title: "`abi.encodePacked` of several dynamic values",
        severity: Severity::High,
        confidence: Confidence::High,
        what: "`abi.encodePacked` receives two or more dynamic values (strings, bytes, arrays).",
        why: "Packed encoding has no lengths: `(\"ab\", \"c\")` and `(\"a\", \"bc\")` encode \
              alike, so a hash or signature over it can be reused for other values.",
        help: "use `abi.encode`, or put only one dynamic value in the packing",
        example: include_str!("../../testdata/src/encode-packed-collision.sol"),
        run: encode_packed,
    },
    Detector {
        id: "incorrect-exp",
        title: "`^` used where `**` was meant",
        severity: Severity::High,
        confidence: Confidence::Medium,
        what: "A number literal is the left operand of `^` (bitwise xor): `10 ^ 18` is 24.",
        why: "Amounts scaled by the xor are wrong by orders of magnitude.",
        help: "use `**` for powers: `10 ** 18`",
        example: include_str!("../../testdata/src/incorrect-exp.sol"),
        run: incorrect_exp,
    },
    Detector {
        id: "divide-before-multiply",
        title: "Division before multiplication",
        severity: Severity::Medium,
        confidence: Confidence::Medium,
        what: "The result of an integer division is multiplied, directly or through a local \
               variable.",
        why: "Integer division rounds down first; multiplying afterwards multiplies the \
              rounding error (`amount / 1000 * fee` loses up to `fee - 1`).",
        help: "multiply first: `amount * fee / 1000` (mind overflow, or use `mulDiv`)",
        example: include_str!("../../testdata/src/divide-before-multiply.sol"),
        run: divide_before_multiply,
    },
    Detector {
        id: "incorrect-equality",
        title: "Strict equality on a balance",
        severity: Severity::Medium,
        confidence: Confidence::High,
        what: "`==` or `!=` compares an ether balance or a `balanceOf` result.",
        why: "Anyone can send ether (`selfdestruct` forces it) or tokens to the contract: an \
              exact balance never comes again and the check locks the function.",
        help: "compare with `>=` or `<=`, or keep your own accounting",
        example: include_str!("../../testdata/src/incorrect-equality.sol"),
        run: incorrect_equality,
    },
    Detector {
        id: "unsafe-typecast",
        title: "Narrowing integer cast without a bound check",
        severity: Severity::Medium,
        confidence: Confidence::Medium,
        what: "An integer is converted to a narrower type (`uint128(x)` of a `uint256`) and the \
               function never compares it before.",
        why: "The conversion silently drops the high bits: a large amount becomes a small one.",
        help: "check the bound first (`require(x <= type(uint128).max)`), or use `SafeCast`",
        example: include_str!("../../testdata/src/unsafe-typecast.sol"),
        run: unsafe_typecast,
    },
];

/// Every expression of every function body in the file, with its place.
fn each<'a>(
    cx: &Cx<'_, 'a>,
    mut f: impl FnMut(
        &'a FunctionDefinition,
        &'a Expression,
        Place,
        &mut Sink,
        &'a foundry_compilers::artifacts::ast::ContractDefinition,
    ),
    sink: &mut Sink,
) {
    struct All<'a> {
        found: Vec<(&'a Expression, Place)>,
    }
    impl<'a> BodyVisitor<'a> for All<'a> {
        fn expression(&mut self, expr: &'a Expression, place: Place) {
            self.found.push((expr, place));
        }
    }
    for (contract, function) in cx.functions() {
        let mut all = All { found: Vec::new() };
        if let Some(body) = &function.body {
            ast::walk_block(body, Place::default(), &mut all);
        }
        for (expr, place) in all.found {
            f(function, expr, place, sink, contract);
        }
    }
}

fn is_member_of(expr: &Expression, base: &str, member: &str) -> bool {
    matches!(expr, Expression::MemberAccess(m) if m.member_name == member
        && matches!(&m.expression, Expression::Identifier(i) if i.name == base))
}

fn tx_origin(cx: &Cx<'_, '_>, sink: &mut Sink) {
    each(
        cx,
        |f, expr, place, sink, contract| {
            if let Expression::BinaryOperation(b) = expr
                && place.in_condition
                && matches!(b.operator, BinaryOperator::Equal | BinaryOperator::NotEqual)
            {
                let origin = |e: &Expression| is_member_of(e, "tx", "origin");
                let (o, other) = if origin(&b.lhs) {
                    (true, &b.rhs)
                } else if origin(&b.rhs) {
                    (true, &b.lhs)
                } else {
                    (false, &b.lhs)
                };
                if o && !is_sender(other) {
                    sink.report(
                        b.src,
                        contract,
                        Some(f),
                        format!("`{}` authorises by `tx.origin`", cx.snippet(b.src)),
                    );
                }
            }
        },
        sink,
    );
}

fn yul_literal(e: &YulExpression) -> Option<&str> {
    match e {
        YulExpression::YulLiteral(l) => l.value.as_deref(),
        _ => None,
    }
}

fn parse_number(text: &str) -> Option<u128> {
    if let Some(hex) = text.strip_prefix("0x") {
        u128::from_str_radix(hex, 16).ok()
    } else {
        text.replace('_', "").parse().ok()
    }
}

fn incorrect_shift(cx: &Cx<'_, '_>, sink: &mut Sink) {
    struct Asm<'a> {
        blocks: Vec<&'a YulBlock>,
    }
    impl<'a> BodyVisitor<'a> for Asm<'a> {
        fn assembly(&mut self, block: &'a YulBlock, _place: Place) {
            self.blocks.push(block);
        }
    }
    for (contract, f) in cx.functions() {
        let mut asm = Asm { blocks: Vec::new() };
        if let Some(body) = &f.body {
            ast::walk_block(body, Place::default(), &mut asm);
        }
        for block in asm.blocks {
            let mut calls = Vec::new();
            ast::yul_calls(block, &mut calls);
            for call in calls {
                let name = call.function_name.name.as_str();
                if !matches!(name, "shl" | "shr" | "sar") || call.arguments.len() != 2 {
                    continue;
                }
                let amount_is_constant = yul_literal(&call.arguments[0]).is_some();
                let value = yul_literal(&call.arguments[1]).and_then(parse_number);
                let looks_like_amount = value.is_some_and(|v| v % 8 == 0 && (8..=256).contains(&v));
                if !amount_is_constant && looks_like_amount {
                    // Yul spans carry the solc source index of the file.
                    sink.report(
                        call.src,
                        contract,
                        Some(f),
                        format!(
                            "`{name}({}, {})` shifts the constant by the variable; the shift amount comes first",
                            yul_text(&call.arguments[0]),
                            yul_literal(&call.arguments[1]).unwrap_or("?")
                        ),
                    );
                }
            }
        }
    }
}

fn yul_text(e: &YulExpression) -> String {
    match e {
        YulExpression::YulIdentifier(i) => i.name.clone(),
        YulExpression::YulLiteral(l) => l.value.clone().unwrap_or_default(),
        YulExpression::YulFunctionCall(c) => format!("{}(…)", c.function_name.name),
    }
}

fn is_dynamic(expr: &Expression) -> bool {
    if matches!(expr, Expression::Literal(_)) {
        return false;
    }
    let t = ast::type_of(expr);
    t.starts_with("string ") || t.starts_with("bytes ") || t.contains("[]")
}

fn encode_packed(cx: &Cx<'_, '_>, sink: &mut Sink) {
    each(
        cx,
        |f, expr, _place, sink, contract| {
            if let Expression::FunctionCall(c) = expr
                && is_member_of(&c.expression, "abi", "encodePacked")
                && c.arguments.iter().filter(|a| is_dynamic(a)).count() >= 2
            {
                sink.report(
                    c.src,
                    contract,
                    Some(f),
                    format!("`{}` packs several dynamic values", cx.snippet(c.src)),
                );
            }
        },
        sink,
    );
}

fn incorrect_exp(cx: &Cx<'_, '_>, sink: &mut Sink) {
    each(
        cx,
        |f, expr, _place, sink, contract| {
            if let Expression::BinaryOperation(b) = expr
                && b.operator == BinaryOperator::Xor
                && matches!(&b.lhs, Expression::Literal(l) if l.kind == LiteralKind::Number)
            {
                sink.report(
                    b.src,
                    contract,
                    Some(f),
                    format!("`{}` is a bitwise xor, not a power", cx.snippet(b.src)),
                );
            }
        },
        sink,
    );
}

fn strip_parens(expr: &Expression) -> &Expression {
    match expr {
        Expression::TupleExpression(t) if t.components.len() == 1 && !t.is_inline_array => {
            t.components[0].as_ref().map_or(expr, strip_parens)
        }
        Expression::FunctionCall(c)
            if c.kind == FunctionCallKind::TypeConversion && c.arguments.len() == 1 =>
        {
            strip_parens(&c.arguments[0])
        }
        other => other,
    }
}

/// A division that rounds down; `(a + (b - 1)) / b` rounds up on
/// purpose (a size or a count of chunks) and is left out.
fn is_division(expr: &Expression) -> bool {
    let Expression::BinaryOperation(b) = strip_parens(expr) else {
        return false;
    };
    if b.operator != BinaryOperator::Div {
        return false;
    }
    let literal = |e: &Expression| match strip_parens(e) {
        Expression::Literal(l) => l
            .value
            .as_deref()
            .and_then(|v| v.replace('_', "").parse::<u128>().ok()),
        _ => None,
    };
    let ceiling = match (strip_parens(&b.lhs), literal(&b.rhs)) {
        (Expression::BinaryOperation(sum), Some(divisor))
            if sum.operator == BinaryOperator::Add =>
        {
            literal(&sum.rhs).is_some_and(|k| k + 1 == divisor)
        }
        _ => false,
    };
    !ceiling
}

fn divide_before_multiply(cx: &Cx<'_, '_>, sink: &mut Sink) {
    for (contract, f) in cx.functions() {
        let Some(body) = &f.body else { continue };
        // Locals holding a quotient.
        struct Quotients<'a> {
            locals: HashSet<isize>,
            products: Vec<&'a Expression>,
        }
        impl<'a> BodyVisitor<'a> for Quotients<'a> {
            fn statement(&mut self, stmt: &'a Statement, _place: Place) {
                if let Statement::VariableDeclarationStatement(d) = stmt
                    && let ([Some(var)], Some(value)) = (&d.declarations[..], &d.initial_value)
                    && is_division(value)
                {
                    self.locals.insert(var.id as isize);
                }
            }
            fn expression(&mut self, expr: &'a Expression, _place: Place) {
                match expr {
                    Expression::Assignment(a) => {
                        if is_division(&a.rhs)
                            && let Some(id) = referenced(&a.lhs)
                        {
                            self.locals.insert(id);
                        }
                        if a.operator
                            == foundry_compilers::artifacts::ast::AssignmentOperator::MulAssign
                        {
                            self.products.push(expr);
                        }
                    }
                    Expression::BinaryOperation(b) if b.operator == BinaryOperator::Mul => {
                        self.products.push(expr);
                    }
                    _ => {}
                }
            }
        }
        let mut q = Quotients {
            locals: HashSet::new(),
            products: Vec::new(),
        };
        ast::walk_block(body, Place::default(), &mut q);
        for product in q.products {
            let (lhs, rhs, at) = match product {
                Expression::BinaryOperation(b) => (&b.lhs, &b.rhs, b.src),
                Expression::Assignment(a) => (&a.lhs, &a.rhs, a.src),
                _ => continue,
            };
            let quotient = |e: &Expression| {
                is_division(e)
                    || referenced(strip_parens(e)).is_some_and(|id| q.locals.contains(&id))
            };
            if quotient(lhs) || quotient(rhs) {
                sink.report(
                    at,
                    contract,
                    Some(f),
                    format!("`{}` multiplies the result of a division", cx.snippet(at)),
                );
            }
        }
    }
}

fn is_balance(expr: &Expression) -> bool {
    ast::any_expr(expr, &|e| match e {
        Expression::MemberAccess(m) => {
            m.member_name == "balance" && ast::type_of(&m.expression).starts_with("address")
        }
        Expression::FunctionCall(c) => {
            matches!(&c.expression, Expression::MemberAccess(m) if m.member_name == "balanceOf")
        }
        _ => false,
    })
}

fn incorrect_equality(cx: &Cx<'_, '_>, sink: &mut Sink) {
    each(
        cx,
        |f, expr, _place, sink, contract| {
            if let Expression::BinaryOperation(b) = expr
                && matches!(b.operator, BinaryOperator::Equal | BinaryOperator::NotEqual)
                && (is_balance(&b.lhs) || is_balance(&b.rhs))
            {
                sink.report(
                    b.src,
                    contract,
                    Some(f),
                    format!("`{}` needs an exact balance", cx.snippet(b.src)),
                );
            }
        },
        sink,
    );
}

/// `uint128` → (false, 128); `int` → (true, 256).
fn int_type(t: &str) -> Option<(bool, u32)> {
    let (signed, digits) = if let Some(rest) = t.strip_prefix("uint") {
        (false, rest)
    } else if let Some(rest) = t.strip_prefix("int") {
        (true, rest)
    } else {
        return None;
    };
    if digits.is_empty() {
        return Some((signed, 256));
    }
    digits.parse().ok().map(|bits| (signed, bits))
}

fn unsafe_typecast(cx: &Cx<'_, '_>, sink: &mut Sink) {
    for (contract, f) in cx.functions() {
        let Some(body) = &f.body else { continue };
        struct Casts<'a> {
            compared: HashSet<isize>,
            /// Variables shifted somewhere: packed words.
            shifted: HashSet<isize>,
            decoded: HashSet<usize>,
            casts: Vec<&'a foundry_compilers::artifacts::ast::FunctionCall>,
        }
        impl<'a> BodyVisitor<'a> for Casts<'a> {
            fn expression(&mut self, expr: &'a Expression, place: Place) {
                match expr {
                    // A bound checked before, or the result compared with
                    // the original after (`if (int248(x) != x) revert`).
                    Expression::BinaryOperation(b)
                        if place.in_condition && ast::is_comparison(&b.operator) =>
                    {
                        self.compared.extend(referenced(strip_parens(&b.lhs)));
                        self.compared.extend(referenced(strip_parens(&b.rhs)));
                    }
                    Expression::BinaryOperation(b)
                        if matches!(b.operator, BinaryOperator::Shr | BinaryOperator::Shl) =>
                    {
                        self.shifted.extend(referenced(strip_parens(&b.lhs)));
                    }
                    // `address(uint160(x))`: the standard word-to-address
                    // decoding; the inner cast is intended.
                    Expression::FunctionCall(c)
                        if c.kind == FunctionCallKind::TypeConversion
                            && c.arguments.len() == 1
                            && ast::type_of(expr).starts_with("address") =>
                    {
                        self.decoded
                            .insert(crate::ast::src(&c.arguments[0]).start.unwrap_or(0));
                        self.casts.push(c);
                    }
                    Expression::FunctionCall(c)
                        if c.kind == FunctionCallKind::TypeConversion && c.arguments.len() == 1 =>
                    {
                        self.casts.push(c);
                    }
                    _ => {}
                }
            }
        }
        let mut casts = Casts {
            compared: HashSet::new(),
            shifted: HashSet::new(),
            decoded: HashSet::new(),
            casts: Vec::new(),
        };
        ast::walk_block(body, Place::default(), &mut casts);
        for c in casts.casts {
            let arg = &c.arguments[0];
            let (Some((to_signed, to_bits)), Some((from_signed, from_bits))) = (
                int_type(c.type_descriptions.type_string.as_deref().unwrap_or("")),
                int_type(ast::type_of(arg)),
            ) else {
                continue;
            };
            if to_signed != from_signed || to_bits >= from_bits {
                continue;
            }
            if referenced(arg).is_some_and(|id| casts.compared.contains(&id)) {
                continue;
            }
            // Timestamps and block numbers fit in 40 bits for 30,000 years.
            if to_bits >= 40 && is_clock(cx, arg) {
                continue;
            }
            // Unpacking a packed word (`uint48(raw >> 32)`, `uint8(x & 0xff)`)
            // truncates on purpose; so does decoding an address.
            let unpacks = ast::any_expr(arg, &|e| {
                matches!(e, Expression::BinaryOperation(b)
                    if matches!(b.operator, BinaryOperator::Shr | BinaryOperator::Shl | BinaryOperator::BitAnd))
            });
            if unpacks
                || casts.decoded.contains(&c.src.start.unwrap_or(0))
                || referenced(arg).is_some_and(|id| casts.shifted.contains(&id))
                || bounded_by_min_max(arg, to_signed, to_bits)
            {
                continue;
            }
            sink.report(
                c.src,
                contract,
                Some(f),
                format!(
                    "`{}` narrows {} to {} without a bound check",
                    cx.snippet(c.src),
                    int_name(from_signed, from_bits),
                    int_name(to_signed, to_bits)
                ),
            );
        }
    }
}

fn int_name(signed: bool, bits: u32) -> String {
    format!("{}int{bits}", if signed { "" } else { "u" })
}

/// An expression made of `block.timestamp`, `block.number`, literals and
/// constants only.
fn is_clock(cx: &Cx<'_, '_>, expr: &Expression) -> bool {
    let mut clock = false;
    let mut other = false;
    ast::each_expr(expr, &mut |e| match e {
        Expression::MemberAccess(_)
            if is_member_of(e, "block", "timestamp") || is_member_of(e, "block", "number") =>
        {
            clock = true;
        }
        Expression::Identifier(i) if i.name == "block" => {}
        Expression::Identifier(i) => {
            let constant = i
                .referenced_declaration
                .and_then(|id| cx.program.variable(id))
                .is_some_and(|v| v.constant);
            other |= !constant;
        }
        Expression::FunctionCall(_) | Expression::IndexAccess(_) => other = true,
        _ => {}
    });
    clock && !other
}

/// `min(a, b)` with one argument that fits, or `max(a, b)` with all that
/// fit, fits too.
fn bounded_by_min_max(arg: &Expression, signed: bool, bits: u32) -> bool {
    let Expression::FunctionCall(call) = strip_parens(arg) else {
        return false;
    };
    let name = match &call.expression {
        Expression::Identifier(i) => i.name.as_str(),
        Expression::MemberAccess(m) => m.member_name.as_str(),
        _ => return false,
    };
    let fits = |e: &Expression| {
        int_type(ast::type_of(e)).is_some_and(|(s, b)| s == signed && b <= bits)
            || matches!(e, Expression::Literal(_))
    };
    match name {
        "min" => call.arguments.iter().any(fits),
        "max" => !call.arguments.is_empty() && call.arguments.iter().all(fits),
        _ => false,
    }
}
