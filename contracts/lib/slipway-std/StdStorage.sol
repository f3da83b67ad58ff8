// SPDX-License-Identifier: MIT
pragma solidity >=0.8.0 <0.9.0;

import {Vm} from "./Vm.sol";

/// What `stdstore` builds up: a getter (target, selector, keys, which word
/// of its return data) and the storage slots found for such getters.
struct StdStorage {
    mapping(address => mapping(bytes4 => mapping(bytes32 => uint256))) slots;
    mapping(address => mapping(bytes4 => mapping(bytes32 => bool))) finds;
    bytes32[] _keys;
    bytes4 _sig;
    uint256 _depth;
    address _target;
}

/// @title stdStorage: find the storage slot behind a getter and write it,
/// with forge-std's names (`target`, `sig`, `with_key`, `depth`, `find`,
/// `checked_write`, `read_*`)
/// @notice Written for slipway (MIT). `find` records the slots the getter
/// reads (`vm.record`/`vm.accesses`), then writes each in turn with a probe
/// value until the getter returns it; the slot is cached per getter.
/// Packed slots (several values in one word) are not supported: the getter
/// must return the whole word.
library stdStorage {
    Vm private constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    function target(StdStorage storage self, address who) internal returns (StdStorage storage) {
        self._target = who;
        return self;
    }

    function sig(StdStorage storage self, bytes4 selector) internal returns (StdStorage storage) {
        self._sig = selector;
        return self;
    }

    function sig(StdStorage storage self, string memory signature) internal returns (StdStorage storage) {
        self._sig = bytes4(keccak256(bytes(signature)));
        return self;
    }

    function with_key(StdStorage storage self, address who) internal returns (StdStorage storage) {
        self._keys.push(bytes32(uint256(uint160(who))));
        return self;
    }

    function with_key(StdStorage storage self, uint256 amt) internal returns (StdStorage storage) {
        self._keys.push(bytes32(amt));
        return self;
    }

    function with_key(StdStorage storage self, bytes32 key) internal returns (StdStorage storage) {
        self._keys.push(key);
        return self;
    }

    function depth(StdStorage storage self, uint256 word) internal returns (StdStorage storage) {
        self._depth = word;
        return self;
    }

    /// The slot the getter reads its `depth`th return word from.
    function find(StdStorage storage self) internal returns (uint256 slot) {
        slot = _find(self);
        _clear(self);
    }

    function checked_write(StdStorage storage self, address who) internal {
        checked_write(self, bytes32(uint256(uint160(who))));
    }

    function checked_write(StdStorage storage self, uint256 amt) internal {
        checked_write(self, bytes32(amt));
    }

    function checked_write(StdStorage storage self, bool write) internal {
        checked_write(self, write ? bytes32(uint256(1)) : bytes32(0));
    }

    /// Writes `set` into the getter's slot, and checks the getter returns it.
    function checked_write(StdStorage storage self, bytes32 set) internal {
        address who = self._target;
        bytes memory callData = _callData(self);
        uint256 word = self._depth;
        uint256 slot = _find(self);
        _clear(self);
        bytes32 before = vm.load(who, bytes32(slot));
        vm.store(who, bytes32(slot), set);
        (bool ok, bytes memory result) = who.staticcall(callData);
        if (!ok || _word(result, word) != set) {
            vm.store(who, bytes32(slot), before);
            revert("stdStorage find(StdStorage): Failed to write value.");
        }
    }

    function read_bytes32(StdStorage storage self) internal returns (bytes32) {
        address who = self._target;
        uint256 slot = find(self);
        return vm.load(who, bytes32(slot));
    }

    function read_uint(StdStorage storage self) internal returns (uint256) {
        return uint256(read_bytes32(self));
    }

    function read_int(StdStorage storage self) internal returns (int256) {
        return int256(uint256(read_bytes32(self)));
    }

    function read_address(StdStorage storage self) internal returns (address) {
        return address(uint160(uint256(read_bytes32(self))));
    }

    function read_bool(StdStorage storage self) internal returns (bool) {
        bytes32 v = read_bytes32(self);
        require(v == bytes32(0) || v == bytes32(uint256(1)), "stdStorage read_bool(StdStorage): Cannot decode. Make sure you are reading a bool.");
        return v != bytes32(0);
    }

    function _find(StdStorage storage self) private returns (uint256) {
        address who = self._target;
        bytes4 selector = self._sig;
        require(who != address(0), "stdStorage find(StdStorage): No target set.");
        bytes32 key = keccak256(abi.encodePacked(self._keys, self._depth));
        if (self.finds[who][selector][key]) {
            return self.slots[who][selector][key];
        }
        bytes memory callData = _callData(self);
        uint256 word = self._depth;
        vm.record();
        (bool ok,) = who.staticcall(callData);
        require(ok, "stdStorage find(StdStorage): The getter reverted.");
        (bytes32[] memory reads,) = vm.accesses(who);
        // The last slot read is the likeliest; each is probed and restored.
        for (uint256 i = reads.length; i > 0; i--) {
            bytes32 slot = reads[i - 1];
            bytes32 before = vm.load(who, slot);
            // The lowest bit flipped: a getter of a narrower type (address,
            // bool) returns it unmasked too.
            bytes32 probe = before ^ bytes32(uint256(1));
            vm.store(who, slot, probe);
            (bool probed, bytes memory result) = who.staticcall(callData);
            vm.store(who, slot, before);
            if (probed && _word(result, word) == probe) {
                self.slots[who][selector][key] = uint256(slot);
                self.finds[who][selector][key] = true;
                return uint256(slot);
            }
        }
        revert("stdStorage find(StdStorage): Slot(s) not found.");
    }

    function _callData(StdStorage storage self) private view returns (bytes memory) {
        return abi.encodePacked(self._sig, self._keys);
    }

    function _word(bytes memory data, uint256 index) private pure returns (bytes32 value) {
        if (data.length < (index + 1) * 32) return bytes32(0);
        assembly {
            value := mload(add(data, add(32, mul(index, 32))))
        }
    }

    function _clear(StdStorage storage self) private {
        delete self._target;
        delete self._sig;
        delete self._keys;
        delete self._depth;
    }
}
