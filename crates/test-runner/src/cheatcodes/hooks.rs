//! The inspector hooks revm calls: calls and creations routed to the
//! cheatcodes, pranks applied, expected reverts, emits and calls settled,
//! logs and coverage recorded.

use super::*;

impl<'a> Inspector<TestContext<'a>> for TestInspector<'_> {
    fn call(
        &mut self,
        context: &mut TestContext<'a>,
        inputs: &mut CallInputs,
    ) -> Option<CallOutcome> {
        let depth = context.journaled_state.depth();
        if let Some(coverage) = &mut self.coverage {
            coverage.enter(FrameCode::Runtime(inputs.bytecode_address));
        }
        if inputs.target_address == CHEATCODE_ADDRESS {
            let data = inputs.input.bytes(context);
            if let Some(tracer) = &mut self.tracer {
                tracer.start(CallKind::Call, CHEATCODE_ADDRESS, U256::ZERO, data.clone());
            }
            return Some(match self.cheat(context, &data) {
                Ok(output) => outcome(inputs, InstructionResult::Return, output),
                Err(message) => outcome(inputs, InstructionResult::Revert, revert_data(message)),
            });
        }
        if let Some((sender, broadcast)) = self.apply_prank(context, depth) {
            inputs.caller = sender;
            // Each broadcast call is a transaction of its own.
            if broadcast && !inputs.is_static {
                bump_nonce(context, sender);
            }
        }
        self.arm_expect_revert(depth);
        // Copying the call data costs: only when something will look at it.
        if self.expected_calls.is_empty()
            && self.mocks.is_empty()
            && self.tracer.is_none()
            && self.gas.is_none()
        {
            return <ConsoleCollector as Inspector<TestContext<'a>>>::call(
                &mut self.console,
                context,
                inputs,
            );
        }
        let input = inputs.input.bytes(context);
        let value = inputs.call_value();
        for expected in &mut self.expected_calls {
            expected.observe(inputs.bytecode_address, &input, value);
        }
        if let Some(tracer) = &mut self.tracer {
            tracer.start(
                call_kind(inputs),
                inputs.target_address,
                value,
                input.clone(),
            );
        }
        if let Some(mock) = self.mocks.find(inputs.bytecode_address, &input, value) {
            let result = if mock.reverts {
                InstructionResult::Revert
            } else {
                InstructionResult::Return
            };
            return Some(outcome(inputs, result, mock.result.clone()));
        }
        let test_contract = context.tx.kind.to().copied();
        if depth == 1
            && let Some(gas) = &mut self.gas
            && Some(inputs.target_address) != test_contract
            && inputs.target_address != CONSOLE_ADDRESS
        {
            gas.open = Some((inputs.target_address, input));
            let keep = [inputs.target_address, inputs.caller, context.tx.caller];
            cool_down(context, &keep);
        }
        <ConsoleCollector as Inspector<TestContext<'a>>>::call(&mut self.console, context, inputs)
    }

    fn call_end(
        &mut self,
        context: &mut TestContext<'a>,
        inputs: &CallInputs,
        outcome: &mut CallOutcome,
    ) {
        let depth = context.journaled_state.depth();
        if inputs.target_address != CHEATCODE_ADDRESS {
            if let Some(origin) = self.saved_origin.take() {
                context.tx.caller = origin;
            }
            self.note_revert(
                inputs.target_address,
                outcome.result.result.is_revert(),
                &outcome.result.output,
            );
            if let Some((result, output)) = self
                .settle_internal_revert(depth, outcome.result.result, &outcome.result.output)
                .or_else(|| {
                    self.settle_expect_revert(depth, outcome.result.result, &outcome.result.output)
                })
            {
                outcome.result.result = result;
                outcome.result.output = output;
            }
            let decoder = self.decoder;
            if !inputs.is_static
                && outcome.result.result.is_ok()
                && let Some(message) = self
                    .emits
                    .on_call_end(depth, &|log| event_name(decoder, log))
            {
                outcome.result.result = InstructionResult::Revert;
                outcome.result.output = revert_data(message);
            }
        }
        if depth == 1
            && let Some(gas) = &mut self.gas
            && let Some((target, input)) = gas.open.take()
        {
            let spec = context.cfg.spec;
            let intrinsic = call_intrinsic(&input);
            let used = transaction_gas(
                intrinsic,
                &input,
                outcome.result.gas.total_gas_spent(),
                outcome.result.gas.refunded(),
                spec,
            );
            gas.records.push(RawGasRecord {
                target,
                input,
                gas: used - intrinsic,
                deployed_size: None,
            });
        }
        if let Some(tracer) = &mut self.tracer {
            tracer.end(
                outcome.result.result,
                outcome.result.output.clone(),
                outcome.result.gas.total_gas_spent(),
                None,
            );
        }
        if depth == 0 {
            self.final_block = Some((context.block.clone(), context.cfg.chain_id));
        }
        if let Some(coverage) = &mut self.coverage {
            coverage.exit();
        }
    }

    fn create(
        &mut self,
        context: &mut TestContext<'a>,
        inputs: &mut CreateInputs,
    ) -> Option<CreateOutcome> {
        let depth = context.journaled_state.depth();
        if let Some(coverage) = &mut self.coverage {
            coverage.enter(FrameCode::Init(inputs.init_code().clone()));
        }
        if let Some((sender, broadcast)) = self.apply_prank(context, depth) {
            inputs.set_call(sender);
            // A broadcast `new C{salt: …}` is a call to the CREATE2
            // deployer, as forge sends it: the address is the deployer's.
            if broadcast
                && matches!(
                    inputs.scheme(),
                    revm::context_interface::CreateScheme::Create2 { .. }
                )
            {
                // The frame bumps its caller's nonce: revm wants it loaded
                // (a forked chain that cannot answer fails the frame later).
                let _ = context
                    .journaled_state
                    .load_account(by_signature::CREATE2_DEPLOYER);
                bump_nonce(context, sender);
                inputs.set_call(by_signature::CREATE2_DEPLOYER);
            }
        }
        self.arm_expect_revert(depth);
        if depth == 1
            && let Some(gas) = &mut self.gas
        {
            gas.open = Some((Address::ZERO, inputs.init_code().clone()));
            let keep = [inputs.caller(), context.tx.caller];
            cool_down(context, &keep);
        }
        if let Some(tracer) = &mut self.tracer {
            tracer.start(
                CallKind::Create,
                Address::ZERO,
                inputs.value(),
                inputs.init_code().clone(),
            );
        }
        None
    }

    fn create_end(
        &mut self,
        context: &mut TestContext<'a>,
        inputs: &CreateInputs,
        outcome: &mut CreateOutcome,
    ) {
        let depth = context.journaled_state.depth();
        if let Some(origin) = self.saved_origin.take() {
            context.tx.caller = origin;
        }
        let opened = if depth == 1 {
            self.gas.as_mut().and_then(|g| g.open.take())
        } else {
            None
        };
        if let Some(address) = outcome.address.filter(|_| outcome.result.result.is_ok()) {
            self.names
                .created
                .push((address, inputs.init_code().clone()));
            if let Some(gas) = &mut self.gas
                && let Some((_, init_code)) = opened
            {
                let spec = context.cfg.spec;
                gas.records.push(RawGasRecord {
                    target: address,
                    gas: transaction_gas(
                        create_intrinsic(&init_code, spec),
                        &init_code,
                        outcome.result.gas.total_gas_spent(),
                        outcome.result.gas.refunded(),
                        spec,
                    ),
                    input: init_code,
                    deployed_size: Some(outcome.result.output.len()),
                });
            }
        }
        self.note_revert(
            outcome.address.unwrap_or_default(),
            outcome.result.result.is_revert(),
            &outcome.result.output,
        );
        if let Some((result, output)) =
            self.settle_expect_revert(depth, outcome.result.result, &outcome.result.output)
        {
            outcome.result.result = result;
            outcome.address = if result.is_ok() {
                Some(EXPECTED_REVERT_CREATED)
            } else {
                None
            };
            outcome.result.output = if result.is_ok() { Bytes::new() } else { output };
        }
        if let Some(tracer) = &mut self.tracer {
            tracer.end(
                outcome.result.result,
                outcome.result.output.clone(),
                outcome.result.gas.total_gas_spent(),
                outcome.address,
            );
        }
        if let Some(coverage) = &mut self.coverage {
            coverage.exit();
        }
    }

    fn step(&mut self, interp: &mut Interpreter, context: &mut TestContext<'a>) {
        if self.gas_sections.metering() {
            self.gas_sections.step(
                context.journaled_state.depth(),
                interp.gas.total_gas_spent(),
            );
        }
        if let Some(accesses) = &mut self.accesses {
            let opcode = interp.bytecode.opcode();
            // SLOAD 0x54, SSTORE 0x55: the slot is on top of the stack. A
            // write counts as a read too, as forge records it.
            if (opcode == 0x54 || opcode == 0x55)
                && let Ok(slot) = interp.stack.peek(0)
            {
                let (reads, writes) = accesses.entry(interp.input.target_address).or_default();
                reads.push(B256::from(slot));
                if opcode == 0x55 {
                    writes.push(B256::from(slot));
                }
            }
        }
        if let Some(coverage) = &mut self.coverage {
            let (pc, opcode) = (interp.bytecode.pc(), interp.bytecode.opcode());
            coverage.step(pc, opcode, || {
                interp
                    .stack
                    .peek(1)
                    .is_ok_and(|condition| !condition.is_zero())
            });
        }
    }

    fn log(&mut self, _context: &mut TestContext<'a>, log: Log) {
        self.emits.on_log(&log);
        if let Some(recorded) = &mut self.recorded_logs {
            recorded.push(log.clone());
        }
        if let Some(tracer) = &mut self.tracer {
            tracer.log(log);
        }
    }
}

impl TestInspector<'_> {
    /// The pranked sender for a call or creation starting at `depth`.
    fn apply_prank(&mut self, ctx: &mut TestContext<'_>, depth: usize) -> Option<(Address, bool)> {
        let prank = self.prank.clone().filter(|p| p.depth == depth)?;
        if let Some(origin) = prank.origin {
            self.saved_origin = Some(ctx.tx.caller);
            ctx.tx.caller = origin;
        }
        if prank.once {
            self.prank = None;
        }
        // The frame moves value from (and bumps the nonce of) its caller,
        // which revm expects loaded: a pranked sender may not be yet.
        if ctx.journaled_state.load_account(prank.sender).is_err() {
            return None;
        }
        Some((prank.sender, prank.broadcast))
    }

    fn arm_expect_revert(&mut self, depth: usize) {
        if let Some(expect) = self
            .expect_revert
            .as_mut()
            .filter(|e| e.depth == depth && !e.armed)
        {
            expect.armed = true;
            self.revert_origin = None;
        }
    }

    /// Applies an armed `expectRevert` to the end of its call or creation:
    /// the new result and output, when it changes them.
    fn settle_expect_revert(
        &mut self,
        depth: usize,
        result: InstructionResult,
        output: &[u8],
    ) -> Option<(InstructionResult, Bytes)> {
        if !self
            .expect_revert
            .as_ref()
            .is_some_and(|e| e.armed && e.depth == depth)
        {
            return None;
        }
        let expect = self.expect_revert.take()?;
        let origin = self.revert_origin.take().map(|(address, _)| address);
        match expect.check(result.is_revert(), output, origin, self.decoder) {
            // `count` 0: the call did not revert so; it ends as it ended.
            Ok(()) if expect.count == 0 => None,
            // The expected revert happened: the caller sees success, with
            // zeros for return data so that decoding what it expected from
            // the call (a value, a bool) does not fail. With a count, the
            // next calls must revert too.
            Ok(()) => {
                if expect.count > 1 {
                    self.expect_revert = Some(ExpectRevert {
                        count: expect.count - 1,
                        armed: false,
                        ..expect
                    });
                }
                Some((
                    InstructionResult::Return,
                    Bytes::from_static(&EXPECTED_REVERT_OUTPUT),
                ))
            }
            Err(message) => Some((InstructionResult::Revert, revert_data(message))),
        }
    }

    /// The frame that called `expectRevert` reverting itself before any
    /// call met it (an internal library call): forge refuses that unless
    /// `allow_internal_expect_revert`, which lets the frame's own revert
    /// meet the expectation.
    fn settle_internal_revert(
        &mut self,
        depth: usize,
        result: InstructionResult,
        output: &[u8],
    ) -> Option<(InstructionResult, Bytes)> {
        if !result.is_revert()
            || !self
                .expect_revert
                .as_ref()
                .is_some_and(|e| !e.armed && e.count > 0 && e.depth == depth + 1)
        {
            return None;
        }
        let expect = self.expect_revert.take()?;
        if !self.allow_internal_expect_revert {
            return Some((
                InstructionResult::Revert,
                revert_data(
                    "call didn't revert at a lower depth than cheatcode call depth (set allow_internal_expect_revert = true to let an internal revert meet vm.expectRevert)"
                        .into(),
                ),
            ));
        }
        match expect.check(true, output, None, self.decoder) {
            Ok(()) => Some((InstructionResult::Return, Bytes::new())),
            Err(message) => Some((InstructionResult::Revert, revert_data(message))),
        }
    }

    /// Notes where a revert came from, for `expectRevert(…, reverter)`: the
    /// innermost frame that reverted with this data (a caller passing the
    /// same data up keeps it).
    fn note_revert(&mut self, address: Address, reverted: bool, output: &Bytes) {
        if !reverted {
            return;
        }
        if self
            .revert_origin
            .as_ref()
            .is_some_and(|(_, data)| data == output)
        {
            return;
        }
        self.revert_origin = Some((address, output.clone()));
    }
}

/// Raises `account`'s nonce by one.
fn bump_nonce(context: &mut TestContext<'_>, account: Address) {
    // A forked chain that cannot answer leaves the nonce as it is; the call
    // that needs the account fails with the remote's error.
    if let Ok(mut loaded) = context.journaled_state.load_account_mut(account) {
        loaded.data.bump_nonce();
    }
}
