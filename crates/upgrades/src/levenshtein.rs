//! The edit script between two sequences, by Levenshtein's dynamic
//! programme with the costs OpenZeppelin's layout comparison uses: a change
//! costs 3 unless its kind says otherwise, an insertion or a deletion 2,
//! and an element appended after the end of the original nothing.

/// One step of the script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Step<C> {
    /// `updated[j]` added after the end of the original.
    Append(usize),
    /// `updated[j]` added before an element of the original.
    Insert(usize),
    /// `original[i]` removed.
    Delete(usize),
    /// `original[i]` became `updated[j]`, with this change.
    Change(C),
}

const CHANGE_COST: u64 = 3;
const INSERTION_COST: u64 = 2;
const DELETION_COST: u64 = 2;

#[derive(Clone)]
enum Cell<C> {
    Nop,
    Append(usize),
    Insert(usize),
    Delete(usize),
    Change(C),
}

#[derive(Clone)]
struct Entry<C> {
    cell: Cell<C>,
    cost: u64,
    from: Option<(usize, usize)>,
}

/// The cheapest script taking `a` to `b`; `change(x, y)` says how `x`
/// became `y` (with its cost, or the default), or `None` if it did not.
pub(crate) fn levenshtein<T, C: Clone>(
    a: &[T],
    b: &[T],
    mut change: impl FnMut(&T, &T) -> Option<(C, Option<u64>)>,
) -> Vec<Step<C>> {
    let mut m: Vec<Vec<Entry<C>>> = Vec::with_capacity(a.len() + 1);
    let mut first = Vec::with_capacity(b.len() + 1);
    first.push(Entry {
        cell: Cell::Nop,
        cost: 0,
        from: None,
    });
    for j in 1..=b.len() {
        let prev = first[j - 1].cost;
        first.push(if j > a.len() {
            Entry {
                cell: Cell::Append(j - 1),
                cost: prev,
                from: Some((0, j - 1)),
            }
        } else {
            Entry {
                cell: Cell::Insert(j - 1),
                cost: prev + INSERTION_COST,
                from: Some((0, j - 1)),
            }
        });
    }
    m.push(first);
    for i in 1..=a.len() {
        let mut row: Vec<Entry<C>> = Vec::with_capacity(b.len() + 1);
        row.push(Entry {
            cell: Cell::Delete(i - 1),
            cost: m[i - 1][0].cost + DELETION_COST,
            from: Some((i - 1, 0)),
        });
        for j in 1..=b.len() {
            let diagonal = m[i - 1][j - 1].cost;
            let changed = match change(&a[i - 1], &b[j - 1]) {
                Some((c, cost)) => Entry {
                    cell: Cell::Change(c),
                    cost: diagonal + cost.unwrap_or(CHANGE_COST),
                    from: Some((i - 1, j - 1)),
                },
                None => Entry {
                    cell: Cell::Nop,
                    cost: diagonal,
                    from: Some((i - 1, j - 1)),
                },
            };
            let left = row[j - 1].cost;
            let inserted = if j > a.len() {
                Entry {
                    cell: Cell::Append(j - 1),
                    cost: left,
                    from: Some((i, j - 1)),
                }
            } else {
                Entry {
                    cell: Cell::Insert(j - 1),
                    cost: left + INSERTION_COST,
                    from: Some((i, j - 1)),
                }
            };
            let deleted = Entry {
                cell: Cell::Delete(i - 1),
                cost: m[i - 1][j].cost + DELETION_COST,
                from: Some((i - 1, j)),
            };
            // The first of the cheapest, in this order.
            let mut best = changed;
            for other in [inserted, deleted] {
                if other.cost < best.cost {
                    best = other;
                }
            }
            row.push(best);
        }
        m.push(row);
    }
    let mut steps = Vec::new();
    let mut at = Some((a.len(), b.len()));
    while let Some((i, j)) = at {
        let entry = &m[i][j];
        match &entry.cell {
            Cell::Nop => {}
            Cell::Append(j) => steps.push(Step::Append(*j)),
            Cell::Insert(j) => steps.push(Step::Insert(*j)),
            Cell::Delete(i) => steps.push(Step::Delete(*i)),
            Cell::Change(c) => steps.push(Step::Change(c.clone())),
        }
        at = entry.from;
    }
    steps.reverse();
    steps
}

#[cfg(test)]
mod tests {
    use super::*;

    fn script(a: &[&str], b: &[&str]) -> Vec<Step<(String, String)>> {
        levenshtein(a, b, |x, y| {
            (x != y).then(|| ((x.to_string(), y.to_string()), None))
        })
    }

    #[test]
    fn appends_are_free_and_inserts_deletes_and_changes_are_found() {
        assert_eq!(script(&["a", "b"], &["a", "b", "c"]), vec![Step::Append(2)]);
        assert_eq!(script(&["a", "b"], &["a", "x", "b"]), vec![Step::Insert(1)]);
        assert_eq!(script(&["a", "b", "c"], &["a", "c"]), vec![Step::Delete(1)]);
        assert_eq!(
            script(&["a", "b"], &["a", "z"]),
            vec![Step::Change(("b".into(), "z".into()))]
        );
        assert_eq!(script(&["a"], &["a"]), vec![]);
    }
}
