//! Helpers over foundry-compilers' typed solc AST: what every expression
//! has (its source span, its type as solc wrote it), its sub-expressions,
//! and walks over a function body that say whether a node sits in a loop.

use foundry_compilers::artifacts::ast::{
    BinaryOperator, Block, BlockOrStatement, Expression, ExpressionOrVariableDeclarationStatement,
    FunctionCall, SourceLocation, Statement,
    yul::{YulBlock, YulExpression, YulFunctionCall, YulStatement},
};

/// Runs `$body` with `$e` bound to the inner node of any expression kind.
macro_rules! each_kind {
    ($expr:expr, $e:ident => $body:expr) => {
        match $expr {
            Expression::Assignment($e) => $body,
            Expression::BinaryOperation($e) => $body,
            Expression::Conditional($e) => $body,
            Expression::ElementaryTypeNameExpression($e) => $body,
            Expression::FunctionCall($e) => $body,
            Expression::FunctionCallOptions($e) => $body,
            Expression::Identifier($e) => $body,
            Expression::IndexAccess($e) => $body,
            Expression::IndexRangeAccess($e) => $body,
            Expression::Literal($e) => $body,
            Expression::MemberAccess($e) => $body,
            Expression::NewExpression($e) => $body,
            Expression::TupleExpression($e) => $body,
            Expression::UnaryOperation($e) => $body,
        }
    };
}

/// The source span of an expression.
pub(crate) fn src(expr: &Expression) -> SourceLocation {
    each_kind!(expr, e => e.src)
}

/// solc's type string of an expression (`uint256`, `contract IERC20`,
/// `function (address,uint256) external returns (bool)`…).
pub(crate) fn type_of(expr: &Expression) -> &str {
    each_kind!(expr, e => e.type_descriptions.type_string.as_deref().unwrap_or(""))
}

/// The direct sub-expressions of `expr`, in source order.
pub(crate) fn children(expr: &Expression) -> Vec<&Expression> {
    match expr {
        Expression::Assignment(e) => vec![&e.lhs, &e.rhs],
        Expression::BinaryOperation(e) => vec![&e.lhs, &e.rhs],
        Expression::Conditional(e) => {
            vec![&e.condition, &e.true_expression, &e.false_expression]
        }
        Expression::FunctionCall(e) => {
            let mut all = vec![&e.expression];
            all.extend(e.arguments.iter());
            all
        }
        Expression::FunctionCallOptions(e) => {
            let mut all = vec![&e.expression];
            all.extend(e.options.iter());
            all
        }
        Expression::IndexAccess(e) => {
            let mut all = vec![&e.base_expression];
            all.extend(e.index_expression.iter());
            all
        }
        Expression::IndexRangeAccess(e) => {
            let mut all = vec![&e.base_expression];
            all.extend(e.start_expression.iter());
            all.extend(e.end_expression.iter());
            all
        }
        Expression::MemberAccess(e) => vec![&e.expression],
        Expression::TupleExpression(e) => e.components.iter().flatten().collect(),
        Expression::UnaryOperation(e) => vec![&e.sub_expression],
        Expression::ElementaryTypeNameExpression(_)
        | Expression::Identifier(_)
        | Expression::Literal(_)
        | Expression::NewExpression(_) => Vec::new(),
    }
}

/// Calls `f` on `expr` and every expression inside it, outermost first.
pub(crate) fn each_expr<'a>(expr: &'a Expression, f: &mut dyn FnMut(&'a Expression)) {
    f(expr);
    for child in children(expr) {
        each_expr(child, f);
    }
}

/// Whether any expression inside `expr` (itself included) satisfies `pred`.
pub(crate) fn any_expr(expr: &Expression, pred: &dyn Fn(&Expression) -> bool) -> bool {
    pred(expr) || children(expr).into_iter().any(|c| any_expr(c, pred))
}

/// Where a statement or expression sits.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Place {
    /// Inside a `for`, `while` or `do` body or condition.
    pub in_loop: bool,
    /// Inside the condition of an `if`, loop or `require`/`assert`.
    pub in_condition: bool,
}

/// What a walk over a body meets.
pub(crate) trait BodyVisitor<'a> {
    /// A statement, before its parts.
    fn statement(&mut self, _stmt: &'a Statement, _place: Place) {}
    /// An expression (each one, outermost first).
    fn expression(&mut self, _expr: &'a Expression, _place: Place) {}
    /// An inline assembly block.
    fn assembly(&mut self, _block: &'a YulBlock, _place: Place) {}
    /// The external call of a `try` statement (not an expression node).
    fn try_call(&mut self, _call: &'a FunctionCall, _place: Place) {}
}

/// Walks `block` in source order.
pub(crate) fn walk_block<'a>(block: &'a Block, place: Place, v: &mut dyn BodyVisitor<'a>) {
    for stmt in &block.statements {
        walk_statement(stmt, place, v);
    }
}

fn walk_expr<'a>(expr: &'a Expression, place: Place, v: &mut dyn BodyVisitor<'a>) {
    // `require(c)` and `assert(c)`: their argument is a condition.
    let place = match expr {
        Expression::FunctionCall(call) if is_require(call) => Place {
            in_condition: true,
            ..place
        },
        _ => place,
    };
    v.expression(expr, place);
    for child in children(expr) {
        walk_expr(child, place, v);
    }
}

fn walk_body<'a>(body: &'a BlockOrStatement, place: Place, v: &mut dyn BodyVisitor<'a>) {
    match body {
        BlockOrStatement::Block(block) => walk_block(block, place, v),
        BlockOrStatement::Statement(stmt) => walk_statement(stmt, place, v),
    }
}

/// Walks one statement and everything in it.
pub(crate) fn walk_statement<'a>(stmt: &'a Statement, place: Place, v: &mut dyn BodyVisitor<'a>) {
    v.statement(stmt, place);
    let looped = Place {
        in_loop: true,
        ..place
    };
    let condition = |p: Place| Place {
        in_condition: true,
        ..p
    };
    match stmt {
        Statement::Block(block) => walk_block(block, place, v),
        Statement::UncheckedBlock(block) => {
            for stmt in &block.statements {
                walk_statement(stmt, place, v);
            }
        }
        Statement::DoWhileStatement(s) => {
            walk_block(&s.body, looped, v);
            walk_expr(&s.condition, condition(looped), v);
        }
        Statement::WhileStatement(s) => {
            walk_expr(&s.condition, condition(looped), v);
            walk_body(&s.body, looped, v);
        }
        Statement::ForStatement(s) => {
            match &s.initialization_expression {
                Some(ExpressionOrVariableDeclarationStatement::ExpressionStatement(e)) => {
                    walk_expr(&e.expression, place, v)
                }
                Some(ExpressionOrVariableDeclarationStatement::VariableDeclarationStatement(d)) => {
                    if let Some(value) = &d.initial_value {
                        walk_expr(value, place, v);
                    }
                }
                None => {}
            }
            if let Some(c) = &s.condition {
                walk_expr(c, condition(looped), v);
            }
            walk_body(&s.body, looped, v);
            if let Some(e) = &s.loop_expression {
                walk_expr(&e.expression, looped, v);
            }
        }
        Statement::IfStatement(s) => {
            walk_expr(&s.condition, condition(place), v);
            walk_body(&s.true_body, place, v);
            if let Some(f) = &s.false_body {
                walk_body(f, place, v);
            }
        }
        Statement::EmitStatement(s) => {
            for arg in &s.event_call.arguments {
                walk_expr(arg, place, v);
            }
        }
        Statement::RevertStatement(s) => {
            for arg in &s.error_call.arguments {
                walk_expr(arg, place, v);
            }
        }
        Statement::ExpressionStatement(s) => walk_expr(&s.expression, place, v),
        Statement::VariableDeclarationStatement(s) => {
            if let Some(value) = &s.initial_value {
                walk_expr(value, place, v);
            }
        }
        Statement::Return(s) => {
            if let Some(e) = &s.expression {
                walk_expr(e, place, v);
            }
        }
        Statement::TryStatement(s) => {
            // The external call as an expression (its callee and arguments).
            let call = &s.external_call;
            v.try_call(call, place);
            walk_expr(&call.expression, place, v);
            for arg in &call.arguments {
                walk_expr(arg, place, v);
            }
            for clause in &s.clauses {
                walk_block(&clause.block, place, v);
            }
        }
        Statement::InlineAssembly(a) => {
            if let Some(block) = &a.ast {
                v.assembly(block, place);
            }
        }
        Statement::Break(_) | Statement::Continue(_) | Statement::PlaceholderStatement(_) => {}
    }
}

/// The declarations an assignment to `lhs` writes: `x` in `x`, `x[k]`,
/// `x.f`, each component of a tuple (not the keys, which are read).
pub(crate) fn assigned_roots(lhs: &Expression) -> Vec<isize> {
    match lhs {
        Expression::Identifier(i) => i.referenced_declaration.into_iter().collect(),
        Expression::IndexAccess(e) => assigned_roots(&e.base_expression),
        Expression::IndexRangeAccess(e) => assigned_roots(&e.base_expression),
        Expression::MemberAccess(e) => assigned_roots(&e.expression),
        Expression::TupleExpression(t) => t
            .components
            .iter()
            .flatten()
            .flat_map(assigned_roots)
            .collect(),
        _ => Vec::new(),
    }
}

/// Every function call in a Yul block, outermost first.
pub(crate) fn yul_calls<'a>(block: &'a YulBlock, out: &mut Vec<&'a YulFunctionCall>) {
    fn expr<'a>(e: &'a YulExpression, out: &mut Vec<&'a YulFunctionCall>) {
        if let YulExpression::YulFunctionCall(c) = e {
            out.push(c);
            for a in &c.arguments {
                expr(a, out);
            }
        }
    }
    for stmt in &block.statements {
        match stmt {
            YulStatement::YulAssignment(a) => expr(&a.value, out),
            YulStatement::YulBlock(b) => yul_calls(b, out),
            YulStatement::YulExpressionStatement(s) => expr(&s.expression, out),
            YulStatement::YulForLoop(l) => {
                yul_calls(&l.pre, out);
                expr(&l.condition, out);
                yul_calls(&l.body, out);
                yul_calls(&l.post, out);
            }
            YulStatement::YulFunctionDefinition(d) => yul_calls(&d.body, out),
            YulStatement::YulIf(i) => {
                expr(&i.condition, out);
                yul_calls(&i.body, out);
            }
            YulStatement::YulSwitch(s) => {
                expr(&s.expression, out);
                for case in &s.cases {
                    yul_calls(&case.body, out);
                }
            }
            YulStatement::YulVariableDeclaration(d) => {
                if let Some(v) = &d.value {
                    expr(v, out);
                }
            }
            YulStatement::YulBreak(_)
            | YulStatement::YulContinue(_)
            | YulStatement::YulLeave(_) => {}
        }
    }
}

/// Where values flow in a body: (the declarations assigned, the value) for
/// every variable declaration with a value and every assignment.
pub(crate) fn value_edges(body: &Block) -> Vec<(Vec<isize>, &Expression)> {
    struct Edges<'a>(Vec<(Vec<isize>, &'a Expression)>);
    impl<'a> BodyVisitor<'a> for Edges<'a> {
        fn statement(&mut self, stmt: &'a Statement, _place: Place) {
            if let Statement::VariableDeclarationStatement(d) = stmt
                && let Some(value) = &d.initial_value
            {
                let targets = d
                    .declarations
                    .iter()
                    .flatten()
                    .map(|v| v.id as isize)
                    .collect();
                self.0.push((targets, value));
            }
        }
        fn expression(&mut self, expr: &'a Expression, _place: Place) {
            if let Expression::Assignment(a) = expr {
                self.0.push((assigned_roots(&a.lhs), &a.rhs));
            }
        }
    }
    let mut edges = Edges(Vec::new());
    walk_block(body, Place::default(), &mut edges);
    edges.0
}

/// `<`, `<=`, `>`, `>=`.
pub(crate) fn is_ordering(op: &BinaryOperator) -> bool {
    matches!(
        op,
        BinaryOperator::LessThan
            | BinaryOperator::LessThanOrEqual
            | BinaryOperator::GreaterThan
            | BinaryOperator::GreaterThanOrEqual
    )
}

/// `<`, `<=`, `>`, `>=`, `==`, `!=`.
pub(crate) fn is_comparison(op: &BinaryOperator) -> bool {
    is_ordering(op) || matches!(op, BinaryOperator::Equal | BinaryOperator::NotEqual)
}

/// Whether `call` is `require(…)` or `assert(…)`.
pub(crate) fn is_require(call: &FunctionCall) -> bool {
    matches!(&call.expression, Expression::Identifier(id) if id.name == "require" || id.name == "assert")
}

/// `payable(x)`, `address(x)` → `x`.
pub(crate) fn strip_conversion(expr: &Expression) -> &Expression {
    match expr {
        Expression::FunctionCall(c)
            if c.kind == foundry_compilers::artifacts::ast::FunctionCallKind::TypeConversion
                && c.arguments.len() == 1 =>
        {
            strip_conversion(&c.arguments[0])
        }
        other => other,
    }
}
