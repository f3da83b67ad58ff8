//! Gas accounting between calls: after each top-level call, the accounts
//! it touched are cooled again (EIP-2929), as they would be in a new
//! transaction.

use super::*;

/// Makes the state look as a transaction of its own would find it: every
/// account (but `keep`) and storage slot touched so far cold, every slot's
/// value the one it started with (what SSTORE prices against: a slot written
/// earlier in the test is not "dirty" for a new transaction), and transient
/// storage empty.
pub(super) fn cool_down(ctx: &mut TestContext<'_>, keep: &[Address]) {
    let inner = &mut ctx.journaled_state.inner;
    for (address, account) in inner.state.iter_mut() {
        if !keep.contains(address) {
            account.mark_cold();
        }
        for slot in account.storage.values_mut() {
            slot.mark_cold();
            slot.original_value = slot.present_value;
        }
    }
    inner.transient_storage.clear();
}
