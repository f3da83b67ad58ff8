//! Call traces of a test: every call, creation and event, recorded by the
//! test inspector and rendered as forge renders them (`-vvv`), with
//! contract names, labels and decoded calls, events and return values.

use std::{collections::HashMap, fmt::Write};

use alloy_primitives::{Address, Bytes, Log, U256};
use revm::interpreter::InstructionResult;

use slipway_contracts::Decoder;
use slipway_evm::{CONSOLE_ADDRESS, decode_console_call};

use crate::{AddressBook, CHEATCODE_ADDRESS};

/// What kind of frame a node is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CallKind {
    Call,
    StaticCall,
    DelegateCall,
    CallCode,
    Create,
}

#[derive(Debug, Clone)]
enum Item {
    Call(usize),
    Log(Log),
}

#[derive(Debug, Clone)]
struct Node {
    kind: CallKind,
    address: Address,
    value: U256,
    input: Bytes,
    output: Bytes,
    result: InstructionResult,
    gas: u64,
    items: Vec<Item>,
}

/// Records the frames of one run.
#[derive(Debug, Default, Clone)]
pub(crate) struct Tracer {
    nodes: Vec<Node>,
    open: Vec<usize>,
}

impl Tracer {
    pub(crate) fn start(&mut self, kind: CallKind, address: Address, value: U256, input: Bytes) {
        let index = self.nodes.len();
        if let Some(parent) = self.open.last() {
            self.nodes[*parent].items.push(Item::Call(index));
        }
        self.nodes.push(Node {
            kind,
            address,
            value,
            input,
            output: Bytes::new(),
            result: InstructionResult::Stop,
            gas: 0,
            items: Vec::new(),
        });
        self.open.push(index);
    }

    pub(crate) fn end(
        &mut self,
        result: InstructionResult,
        output: Bytes,
        gas: u64,
        created: Option<Address>,
    ) {
        let Some(index) = self.open.pop() else {
            return;
        };
        let node = &mut self.nodes[index];
        node.result = result;
        node.output = output;
        node.gas = gas;
        if let Some(address) = created {
            node.address = address;
        }
    }

    pub(crate) fn log(&mut self, log: Log) {
        if let Some(open) = self.open.last() {
            self.nodes[*open].items.push(Item::Log(log));
        }
    }

    /// The trace as text, one frame per line, indented as a tree.
    pub(crate) fn render(&self, decoder: &Decoder, names: &AddressBook) -> String {
        if self.nodes.is_empty() {
            return String::new();
        }
        let mut contracts: HashMap<Address, String> = names
            .created
            .iter()
            .filter_map(|(address, code)| Some((*address, decoder.contract_name(code)?.to_owned())))
            .collect();
        contracts.insert(CHEATCODE_ADDRESS, "VM".to_owned());
        contracts.insert(CONSOLE_ADDRESS, "console".to_owned());
        for (address, label) in &names.labels {
            contracts.insert(*address, label.clone());
        }
        let renderer = Renderer {
            tracer: self,
            decoder,
            names: contracts,
        };
        let mut out = String::from("Traces:\n");
        renderer.node(&mut out, 0, "  ", "  ");
        out
    }
}

struct Renderer<'a> {
    tracer: &'a Tracer,
    decoder: &'a Decoder,
    names: HashMap<Address, String>,
}

impl Renderer<'_> {
    fn name(&self, address: Address) -> String {
        self.names
            .get(&address)
            .cloned()
            .unwrap_or_else(|| address.to_string())
    }

    fn node(&self, out: &mut String, index: usize, head: &str, rest: &str) {
        let node = &self.tracer.nodes[index];
        let value = if node.value.is_zero() {
            String::new()
        } else {
            format!("{{value: {}}}", node.value)
        };
        let call = match node.kind {
            CallKind::Create => format!("→ new {}@{}", self.name(node.address), node.address),
            kind => {
                let suffix = match kind {
                    CallKind::StaticCall => " [staticcall]",
                    CallKind::DelegateCall => " [delegatecall]",
                    CallKind::CallCode => " [callcode]",
                    _ => "",
                };
                let decoded = match node.address {
                    CONSOLE_ADDRESS => decode_console_call(&node.input),
                    _ => None,
                }
                .unwrap_or_else(|| self.decoder.call(&node.input));
                format!("{}::{decoded}{value}{suffix}", self.name(node.address))
            }
        };
        let _ = writeln!(out, "{head}[{}] {call}", node.gas);
        let child_rest = format!("{rest}│   ");
        for item in &node.items {
            match item {
                Item::Call(child) => {
                    self.node(out, *child, &format!("{rest}├─ "), &child_rest);
                }
                Item::Log(log) => {
                    let _ = writeln!(out, "{rest}├─ emit {}", self.decoder.event(log));
                }
            }
        }
        let _ = writeln!(out, "{rest}└─ ← {}", self.result(node));
    }

    fn result(&self, node: &Node) -> String {
        let kind = format!("{:?}", node.result);
        if node.result.is_revert() {
            return format!("[{kind}] {}", self.decoder.revert_reason(&node.output));
        }
        if !node.result.is_ok() {
            return format!("[{kind}] EvmError: {kind}");
        }
        if node.kind == CallKind::Create {
            return format!("[{kind}] {} bytes of code", node.output.len());
        }
        match self.decoder.returns(&node.input, &node.output) {
            Some(shown) if !shown.is_empty() => format!("[{kind}] {shown}"),
            _ if node.output.is_empty() => format!("[{kind}]"),
            _ => format!("[{kind}] 0x{}", alloy_primitives::hex::encode(&node.output)),
        }
    }
}
