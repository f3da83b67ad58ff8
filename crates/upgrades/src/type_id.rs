//! solc's type identifiers, parsed into what a comparison needs:
//! `t_mapping(t_address,t_uint256)` is head `t_mapping`, two arguments;
//! `t_array(t_uint256)10_storage` is head `t_array`, one argument, tail
//! `10_storage`; `t_function_internal_view(t_uint256)returns(t_bool)` has
//! arguments and returns.

/// A parsed type identifier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TypeId {
    /// The whole identifier.
    pub(crate) id: String,
    /// What comes before the first `(`.
    pub(crate) head: String,
    /// The comma-separated identifiers inside the first parentheses.
    pub(crate) args: Option<Vec<TypeId>>,
    /// What follows the arguments (`10_storage`, `storage`).
    pub(crate) tail: Option<String>,
    /// The identifiers inside `returns(…)`.
    pub(crate) rets: Option<Vec<TypeId>>,
}

/// Splits the parenthesised list that starts at `open` (the index of its
/// `(`): its items, and the index just past its `)`.
fn list(id: &str, open: usize) -> Option<(Vec<TypeId>, usize)> {
    let bytes = id.as_bytes();
    let mut depth = 0usize;
    let mut start = open + 1;
    let mut items = Vec::new();
    for (i, &b) in bytes.iter().enumerate().skip(open) {
        match b {
            b'(' => depth += 1,
            b')' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    if i > start {
                        items.push(parse(&id[start..i])?);
                    }
                    return Some((items, i + 1));
                }
            }
            b',' if depth == 1 => {
                items.push(parse(&id[start..i])?);
                start = i + 1;
            }
            _ => {}
        }
    }
    None
}

/// Parses `id`; `None` when its parentheses do not balance.
pub(crate) fn parse(id: &str) -> Option<TypeId> {
    let Some(open) = id.find('(') else {
        return Some(TypeId {
            id: id.to_owned(),
            head: id.to_owned(),
            args: None,
            tail: None,
            rets: None,
        });
    };
    let (args, after) = list(id, open)?;
    let rest = &id[after..];
    let (tail, rets) = match rest.strip_prefix("returns") {
        Some(returns) if returns.starts_with('(') => {
            let (rets, _) = list(id, after + "returns".len())?;
            (None, Some(rets))
        }
        _ => ((!rest.is_empty()).then(|| rest.to_owned()), None),
    };
    Some(TypeId {
        id: id.to_owned(),
        head: id[..open].to_owned(),
        args: Some(args),
        tail,
        rets,
    })
}

const TOKENS: [(&str, char); 3] = [("$_", '('), ("_$_", ','), ("_$", ')')];

/// Whether `s[j..]` is a run of encoded punctuation followed by a
/// character that is neither `_` nor `$`, or by the end.
fn punctuation_ends(s: &str, j: usize) -> bool {
    match s[j..].chars().next() {
        None => true,
        Some(c) if c != '_' && c != '$' => true,
        Some(_) => TOKENS
            .iter()
            .any(|(t, _)| s[j..].starts_with(t) && punctuation_ends(s, j + t.len())),
    }
}

/// An AST type identifier (`t_mapping$_t_address_$_t_uint256_$`,
/// `t_struct$_S_$12_storage_ptr`) as the storage layout writes it
/// (`t_mapping(t_address,t_uint256)`, `t_struct(S)12_storage`): the AST
/// encodes `(`, `,` and `)` as `$_`, `_$_` and `_$`, which only the text
/// after them tells apart from names with underscores.
pub(crate) fn normalize(ast_id: &str) -> String {
    let mut out = String::with_capacity(ast_id.len());
    let mut i = 0;
    while i < ast_id.len() {
        let token = TOKENS
            .iter()
            .find(|(t, _)| ast_id[i..].starts_with(t) && punctuation_ends(ast_id, i + t.len()));
        if let Some((t, c)) = token {
            out.push(*c);
            i += t.len();
        } else {
            let c = ast_id[i..].chars().next().unwrap_or_default();
            out.push(c);
            i += c.len_utf8();
        }
    }
    // `_storage_ptr` appears in some places and not others.
    let mut normalized = String::with_capacity(out.len());
    let mut rest = out.as_str();
    while let Some(at) = rest.find("_storage_ptr") {
        let after = &rest[at + "_storage_ptr".len()..];
        let boundary = after
            .chars()
            .next()
            .is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_'));
        normalized.push_str(&rest[..at]);
        normalized.push_str(if boundary { "_storage" } else { "_storage_ptr" });
        rest = after;
    }
    normalized.push_str(rest);
    normalized
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ast_identifiers_are_decoded_as_the_layout_writes_them() {
        assert_eq!(
            normalize("t_mapping$_t_address_$_t_uint256_$"),
            "t_mapping(t_address,t_uint256)"
        );
        assert_eq!(
            normalize("t_struct$_Main_Storage_$42_storage_ptr"),
            "t_struct(Main_Storage)42_storage"
        );
        assert_eq!(
            normalize("t_array$_t_uint256_$dyn_storage_ptr"),
            "t_array(t_uint256)dyn_storage"
        );
        assert_eq!(normalize("t_uint256"), "t_uint256");
    }

    #[test]
    fn mappings_arrays_structs_and_functions_parse() {
        let m = parse("t_mapping(t_address,t_mapping(t_uint256,t_bool))").expect("mapping");
        assert_eq!(m.head, "t_mapping");
        let args = m.args.expect("args");
        assert_eq!(args[0].id, "t_address");
        assert_eq!(args[1].head, "t_mapping");
        assert_eq!(args[1].args.as_ref().expect("inner")[1].id, "t_bool");

        let a = parse("t_array(t_uint256)10_storage").expect("array");
        assert_eq!(
            (a.head.as_str(), a.tail.as_deref()),
            ("t_array", Some("10_storage"))
        );

        let s = parse("t_struct(Position)12_storage").expect("struct");
        assert_eq!(s.args.expect("args")[0].id, "Position");

        let f = parse("t_function_internal_view(t_uint256,t_address)returns(t_bool)").expect("f");
        assert_eq!(f.head, "t_function_internal_view");
        assert_eq!(f.args.expect("args").len(), 2);
        assert_eq!(f.rets.expect("rets")[0].id, "t_bool");
        assert!(f.tail.is_none());

        assert_eq!(parse("t_uint256").expect("plain").head, "t_uint256");
        assert!(parse("t_mapping(t_address").is_none());
    }
}
