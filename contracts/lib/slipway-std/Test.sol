// SPDX-License-Identifier: MIT
pragma solidity >=0.8.0 <0.9.0;

import {Vm} from "./Vm.sol";
import {console} from "./console.sol";
import {console2} from "./console2.sol";
import {stdError} from "./StdError.sol";
import {StdInvariant} from "./StdInvariant.sol";
import {StdStorage, stdStorage} from "./StdStorage.sol";

/// @title Test: the base contract of slipway tests, with forge-std's names
/// @notice Written for slipway (MIT): a Foundry test file's `forge-std/`
/// imports resolve here when no forge-std is installed. A failed assertion reverts
/// with both values and the message, which the runner reports.
abstract contract Test is StdInvariant {
    /// The cheatcode interface at forge-std's address.
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    /// Lets `slipway test` recognise test contracts the way forge does.
    bool public IS_TEST = true;

    /// forge-std's `stdstore` (tests add `using stdStorage for StdStorage;`).
    StdStorage internal stdstore;
    StdStorage private _stdstore;

    using stdStorage for StdStorage;

    /// Where forge deploys CREATE2 contracts from: the deterministic
    /// deployment proxy.
    address internal constant CREATE2_FACTORY = 0x4e59b44847b379578588920cA78FbF26c0B4956C;

    function fail() internal pure virtual {
        revert("assertion failed");
    }

    function fail(string memory err) internal pure virtual {
        revert(err);
    }

    function _fail(string memory err, string memory detail) private pure {
        if (bytes(err).length == 0) revert(string.concat("assertion failed: ", detail));
        revert(string.concat(err, ": ", detail));
    }

    // ----- booleans -----
    function assertTrue(bool condition) internal pure virtual {
        if (!condition) _fail("", "expected true, got false");
    }

    function assertTrue(bool condition, string memory err) internal pure virtual {
        if (!condition) _fail(err, "expected true, got false");
    }

    function assertFalse(bool condition) internal pure virtual {
        if (condition) _fail("", "expected false, got true");
    }

    function assertFalse(bool condition, string memory err) internal pure virtual {
        if (condition) _fail(err, "expected false, got true");
    }

    // ----- equality -----
    function assertEq(bool left, bool right) internal pure virtual {
        assertEq(left, right, "");
    }

    function assertEq(bool left, bool right, string memory err) internal pure virtual {
        if (left != right) _fail(err, string.concat(_str(left), " != ", _str(right)));
    }

    function assertEq(uint256 left, uint256 right) internal pure virtual {
        assertEq(left, right, "");
    }

    function assertEq(uint256 left, uint256 right, string memory err) internal pure virtual {
        if (left != right) _fail(err, string.concat(_str(left), " != ", _str(right)));
    }

    function assertEq(int256 left, int256 right) internal pure virtual {
        assertEq(left, right, "");
    }

    function assertEq(int256 left, int256 right, string memory err) internal pure virtual {
        if (left != right) _fail(err, string.concat(_str(left), " != ", _str(right)));
    }

    function assertEq(address left, address right) internal pure virtual {
        assertEq(left, right, "");
    }

    function assertEq(address left, address right, string memory err) internal pure virtual {
        if (left != right) _fail(err, string.concat(_str(left), " != ", _str(right)));
    }

    function assertEq(bytes32 left, bytes32 right) internal pure virtual {
        assertEq(left, right, "");
    }

    function assertEq(bytes32 left, bytes32 right, string memory err) internal pure virtual {
        if (left != right) _fail(err, string.concat(_str(left), " != ", _str(right)));
    }

    function assertEq(string memory left, string memory right) internal pure virtual {
        assertEq(left, right, "");
    }

    function assertEq(string memory left, string memory right, string memory err) internal pure virtual {
        if (keccak256(bytes(left)) != keccak256(bytes(right))) {
            _fail(err, string.concat('"', left, '" != "', right, '"'));
        }
    }

    function assertEq(bytes memory left, bytes memory right) internal pure virtual {
        assertEq(left, right, "");
    }

    function assertEq(bytes memory left, bytes memory right, string memory err) internal pure virtual {
        if (keccak256(left) != keccak256(right)) _fail(err, string.concat(_str(left), " != ", _str(right)));
    }

    function assertNotEq(uint256 left, uint256 right) internal pure virtual {
        assertNotEq(left, right, "");
    }

    function assertNotEq(uint256 left, uint256 right, string memory err) internal pure virtual {
        if (left == right) _fail(err, string.concat(_str(left), " == ", _str(right)));
    }

    function assertNotEq(address left, address right) internal pure virtual {
        assertNotEq(left, right, "");
    }

    function assertNotEq(address left, address right, string memory err) internal pure virtual {
        if (left == right) _fail(err, string.concat(_str(left), " == ", _str(right)));
    }

    // ----- ordering -----
    function assertGt(uint256 left, uint256 right) internal pure virtual {
        assertGt(left, right, "");
    }

    function assertGt(uint256 left, uint256 right, string memory err) internal pure virtual {
        if (left <= right) _fail(err, string.concat(_str(left), " <= ", _str(right)));
    }

    function assertGe(uint256 left, uint256 right) internal pure virtual {
        assertGe(left, right, "");
    }

    function assertGe(uint256 left, uint256 right, string memory err) internal pure virtual {
        if (left < right) _fail(err, string.concat(_str(left), " < ", _str(right)));
    }

    function assertLt(uint256 left, uint256 right) internal pure virtual {
        assertLt(left, right, "");
    }

    function assertLt(uint256 left, uint256 right, string memory err) internal pure virtual {
        if (left >= right) _fail(err, string.concat(_str(left), " >= ", _str(right)));
    }

    function assertLe(uint256 left, uint256 right) internal pure virtual {
        assertLe(left, right, "");
    }

    function assertLe(uint256 left, uint256 right, string memory err) internal pure virtual {
        if (left > right) _fail(err, string.concat(_str(left), " > ", _str(right)));
    }

    // ----- approximate -----
    function assertApproxEqAbs(uint256 left, uint256 right, uint256 maxDelta) internal pure virtual {
        assertApproxEqAbs(left, right, maxDelta, "");
    }

    function assertApproxEqAbs(uint256 left, uint256 right, uint256 maxDelta, string memory err)
        internal
        pure
        virtual
    {
        uint256 delta = left > right ? left - right : right - left;
        if (delta > maxDelta) {
            _fail(
                err,
                string.concat(_str(left), " !~= ", _str(right), " (max delta: ", _str(maxDelta), ", real delta: ", _str(delta), ")")
            );
        }
    }

    /// `maxPercentDelta` is scaled by 1e18: 1e18 = 100 %.
    function assertApproxEqRel(uint256 left, uint256 right, uint256 maxPercentDelta) internal pure virtual {
        assertApproxEqRel(left, right, maxPercentDelta, "");
    }

    function assertApproxEqRel(uint256 left, uint256 right, uint256 maxPercentDelta, string memory err)
        internal
        pure
        virtual
    {
        if (right == 0) return assertEq(left, right, err);
        uint256 delta = left > right ? left - right : right - left;
        uint256 percentDelta = delta * 1e18 / right;
        if (percentDelta > maxPercentDelta) {
            _fail(
                err,
                string.concat(_str(left), " !~= ", _str(right), " (max % delta: ", _str(maxPercentDelta), ", real % delta: ", _str(percentDelta), ")")
            );
        }
    }

    function assertEq(uint256[] memory left, uint256[] memory right) internal pure virtual {
        assertEq(left, right, "");
    }

    function assertEq(uint256[] memory left, uint256[] memory right, string memory err) internal pure virtual {
        _assertEqEncoded(abi.encode(left), abi.encode(right), err);
    }

    function assertEq(address[] memory left, address[] memory right) internal pure virtual {
        assertEq(left, right, "");
    }

    function assertEq(address[] memory left, address[] memory right, string memory err) internal pure virtual {
        _assertEqEncoded(abi.encode(left), abi.encode(right), err);
    }

    function assertEq(int256[] memory left, int256[] memory right) internal pure virtual {
        assertEq(left, right, "");
    }

    function assertEq(int256[] memory left, int256[] memory right, string memory err) internal pure virtual {
        _assertEqEncoded(abi.encode(left), abi.encode(right), err);
    }

    function assertEq(bool[] memory left, bool[] memory right) internal pure virtual {
        assertEq(left, right, "");
    }

    function assertEq(bool[] memory left, bool[] memory right, string memory err) internal pure virtual {
        _assertEqEncoded(abi.encode(left), abi.encode(right), err);
    }

    function assertEq(bytes32[] memory left, bytes32[] memory right) internal pure virtual {
        assertEq(left, right, "");
    }

    function assertEq(bytes32[] memory left, bytes32[] memory right, string memory err) internal pure virtual {
        _assertEqEncoded(abi.encode(left), abi.encode(right), err);
    }

    function assertEq(string[] memory left, string[] memory right) internal pure virtual {
        assertEq(left, right, "");
    }

    function assertEq(string[] memory left, string[] memory right, string memory err) internal pure virtual {
        _assertEqEncoded(abi.encode(left), abi.encode(right), err);
    }

    function assertEq(bytes[] memory left, bytes[] memory right) internal pure virtual {
        assertEq(left, right, "");
    }

    function assertEq(bytes[] memory left, bytes[] memory right, string memory err) internal pure virtual {
        _assertEqEncoded(abi.encode(left), abi.encode(right), err);
    }

    /// As `assertApproxEqRel`; `decimals` only says how the values read.
    function assertApproxEqRelDecimal(uint256 left, uint256 right, uint256 maxPercentDelta, uint256 decimals)
        internal
        pure
        virtual
    {
        assertApproxEqRelDecimal(left, right, maxPercentDelta, decimals, "");
    }

    function assertApproxEqRelDecimal(
        uint256 left,
        uint256 right,
        uint256 maxPercentDelta,
        uint256 decimals,
        string memory err
    ) internal pure virtual {
        decimals;
        assertApproxEqRel(left, right, maxPercentDelta, err);
    }

    /// As `assertApproxEqAbs`; `decimals` only says how the values read.
    function assertApproxEqAbsDecimal(uint256 left, uint256 right, uint256 maxDelta, uint256 decimals)
        internal
        pure
        virtual
    {
        decimals;
        assertApproxEqAbs(left, right, maxDelta);
    }

    function assertNotEq(bytes32 left, bytes32 right) internal pure virtual {
        assertNotEq(left, right, "");
    }

    function assertNotEq(bytes32 left, bytes32 right, string memory err) internal pure virtual {
        if (left == right) _fail(err, string.concat(_str(left), " == ", _str(right)));
    }

    // ----- signed ordering -----
    function assertGt(int256 left, int256 right) internal pure virtual {
        assertGt(left, right, "");
    }

    function assertGt(int256 left, int256 right, string memory err) internal pure virtual {
        if (left <= right) _fail(err, string.concat(_str(left), " <= ", _str(right)));
    }

    function assertGe(int256 left, int256 right) internal pure virtual {
        assertGe(left, right, "");
    }

    function assertGe(int256 left, int256 right, string memory err) internal pure virtual {
        if (left < right) _fail(err, string.concat(_str(left), " < ", _str(right)));
    }

    function assertLt(int256 left, int256 right) internal pure virtual {
        assertLt(left, right, "");
    }

    function assertLt(int256 left, int256 right, string memory err) internal pure virtual {
        if (left >= right) _fail(err, string.concat(_str(left), " >= ", _str(right)));
    }

    function assertLe(int256 left, int256 right) internal pure virtual {
        assertLe(left, right, "");
    }

    function assertLe(int256 left, int256 right, string memory err) internal pure virtual {
        if (left > right) _fail(err, string.concat(_str(left), " > ", _str(right)));
    }

    // ----- cheats (forge-std's StdCheats names) -----
    /// An address derived from `name`, labelled with it.
    function makeAddr(string memory name) internal virtual returns (address addr) {
        (addr,) = makeAddrAndKey(name);
    }

    /// An address and its private key, derived from `name`, labelled with it.
    function makeAddrAndKey(string memory name) internal virtual returns (address addr, uint256 privateKey) {
        privateKey = uint256(keccak256(abi.encodePacked(name)));
        addr = vm.addr(privateKey);
        vm.label(addr, name);
    }

    function deal(address to, uint256 give) internal virtual {
        vm.deal(to, give);
    }

    /// Sets `to`'s balance of the ERC-20 `token` (its `balanceOf` slot,
    /// found by stdstore).
    function deal(address token, address to, uint256 give) internal virtual {
        deal(token, to, give, false);
    }

    /// As `deal(token, to, give)`; with `adjust`, `totalSupply` moves by the
    /// same amount.
    function deal(address token, address to, uint256 give, bool adjust) internal virtual {
        (, bytes memory balance) = token.staticcall(abi.encodeWithSelector(0x70a08231, to));
        uint256 before = abi.decode(balance, (uint256));
        _stdstore.target(token).sig(0x70a08231).with_key(to).checked_write(give);
        if (adjust) {
            (, bytes memory supplyData) = token.staticcall(abi.encodeWithSelector(0x18160ddd));
            uint256 supply = abi.decode(supplyData, (uint256));
            supply = give < before ? supply - (before - give) : supply + (give - before);
            _stdstore.target(token).sig(0x18160ddd).checked_write(supply);
        }
    }

    /// Deploys the build's contract `what` (`File.sol:Name`, `Name`, …).
    function deployCode(string memory what) internal virtual returns (address addr) {
        return deployCode(what, "", 0);
    }

    function deployCode(string memory what, bytes memory args) internal virtual returns (address addr) {
        return deployCode(what, args, 0);
    }

    function deployCode(string memory what, uint256 val) internal virtual returns (address addr) {
        return deployCode(what, "", val);
    }

    /// Deploys `what` with constructor `args` and `val` wei.
    function deployCode(string memory what, bytes memory args, uint256 val) internal virtual returns (address addr) {
        bytes memory init = abi.encodePacked(vm.getCode(what), args);
        assembly {
            addr := create(val, add(init, 0x20), mload(init))
        }
        require(addr != address(0), "StdCheats deployCode(string,bytes,uint256): Deployment failed.");
    }
    /// The next call comes from `msgSender`, funded with 2^128 wei.
    function hoax(address msgSender) internal virtual {
        vm.deal(msgSender, 1 << 128);
        vm.prank(msgSender);
    }

    function hoax(address msgSender, uint256 give) internal virtual {
        vm.deal(msgSender, give);
        vm.prank(msgSender);
    }

    function hoax(address msgSender, address origin) internal virtual {
        vm.deal(msgSender, 1 << 128);
        vm.prank(msgSender, origin);
    }

    function hoax(address msgSender, address origin, uint256 give) internal virtual {
        vm.deal(msgSender, give);
        vm.prank(msgSender, origin);
    }

    /// Calls come from `msgSender`, funded with 2^128 wei, until `vm.stopPrank()`.
    function startHoax(address msgSender) internal virtual {
        vm.deal(msgSender, 1 << 128);
        vm.startPrank(msgSender);
    }

    function startHoax(address msgSender, uint256 give) internal virtual {
        vm.deal(msgSender, give);
        vm.startPrank(msgSender);
    }

    function startHoax(address msgSender, address origin) internal virtual {
        vm.deal(msgSender, 1 << 128);
        vm.startPrank(msgSender, origin);
    }

    function startHoax(address msgSender, address origin, uint256 give) internal virtual {
        vm.deal(msgSender, give);
        vm.startPrank(msgSender, origin);
    }

    /// Moves time forward.
    function skip(uint256 time) internal virtual {
        vm.warp(block.timestamp + time);
    }

    /// Moves time back.
    function rewind(uint256 time) internal virtual {
        vm.warp(block.timestamp - time);
    }

    // ----- helpers (forge-std's StdUtils names) -----
    /// The address `deployer` creates with CREATE at `nonce`.
    function computeCreateAddress(address deployer, uint256 nonce) internal pure virtual returns (address) {
        bytes memory rlp;
        if (nonce == 0x00) {
            rlp = abi.encodePacked(bytes1(0xd6), bytes1(0x94), deployer, bytes1(0x80));
        } else if (nonce <= 0x7f) {
            rlp = abi.encodePacked(bytes1(0xd6), bytes1(0x94), deployer, uint8(nonce));
        } else if (nonce <= 0xff) {
            rlp = abi.encodePacked(bytes1(0xd7), bytes1(0x94), deployer, bytes1(0x81), uint8(nonce));
        } else if (nonce <= 0xffff) {
            rlp = abi.encodePacked(bytes1(0xd8), bytes1(0x94), deployer, bytes1(0x82), uint16(nonce));
        } else if (nonce <= 0xffffff) {
            rlp = abi.encodePacked(bytes1(0xd9), bytes1(0x94), deployer, bytes1(0x83), uint24(nonce));
        } else {
            require(nonce < type(uint64).max, "computeCreateAddress: nonce above 2^64 - 2 (EIP-2681)");
            // RLP: the nonce's bytes without leading zeros, after their length.
            uint256 length;
            for (uint256 n = nonce; n != 0; n >>= 8) length++;
            bytes memory encoded = new bytes(length);
            for (uint256 i = 0; i < length; i++) {
                encoded[length - 1 - i] = bytes1(uint8(nonce >> (8 * i)));
            }
            rlp = abi.encodePacked(bytes1(uint8(0xd6 + length)), bytes1(0x94), deployer, bytes1(uint8(0x80 + length)), encoded);
        }
        return address(uint160(uint256(keccak256(rlp))));
    }

    /// The address `deployer` creates with CREATE2 from `salt` and init code hashed to `initCodeHash`.
    function computeCreate2Address(bytes32 salt, bytes32 initCodeHash, address deployer)
        internal
        pure
        virtual
        returns (address)
    {
        return address(uint160(uint256(keccak256(abi.encodePacked(bytes1(0xff), deployer, salt, initCodeHash)))));
    }

    /// As above, from forge's CREATE2 deployer.
    function computeCreate2Address(bytes32 salt, bytes32 initCodeHash) internal pure virtual returns (address) {
        return computeCreate2Address(salt, initCodeHash, CREATE2_FACTORY);
    }

    /// `keccak256` of `creationCode` followed by `args`: a CREATE2 init code hash.
    function hashInitCode(bytes memory creationCode, bytes memory args) internal pure virtual returns (bytes32) {
        return keccak256(abi.encodePacked(creationCode, args));
    }

    function hashInitCode(bytes memory creationCode) internal pure virtual returns (bytes32) {
        return hashInitCode(creationCode, "");
    }

    /// `x` folded into `[min, max]`, as forge-std's `bound` (for fuzz inputs).
    function bound(uint256 x, uint256 min, uint256 max) internal pure virtual returns (uint256) {
        require(min <= max, "bound: max is less than min");
        if (x >= min && x <= max) return x;
        uint256 size = max - min + 1;
        return min + (x % size);
    }

    /// `x` folded into `[min, max]` for signed values.
    function bound(int256 x, int256 min, int256 max) internal pure virtual returns (int256) {
        require(min <= max, "bound: max is less than min");
        if (x >= min && x <= max) return x;
        // Two's-complement arithmetic: the span and the fold wrap as they must.
        unchecked {
            uint256 size = uint256(max) - uint256(min) + 1;
            return int256(uint256(min) + uint256(x) % size);
        }
    }

    /// Arrays compare by their ABI encoding; a failure shows both in hex.
    function _assertEqEncoded(bytes memory left, bytes memory right, string memory err) private pure {
        if (keccak256(left) != keccak256(right)) _fail(err, string.concat(_str(left), " != ", _str(right)));
    }

    function _str(bool v) private pure returns (string memory) {
        return v ? "true" : "false";
    }

    function _str(uint256 v) private pure returns (string memory) {
        if (v == 0) return "0";
        uint256 digits;
        for (uint256 t = v; t != 0; t /= 10) digits++;
        bytes memory out = new bytes(digits);
        for (; v != 0; v /= 10) out[--digits] = bytes1(uint8(48 + v % 10));
        return string(out);
    }

    function _str(int256 v) private pure returns (string memory) {
        if (v >= 0) return _str(uint256(v));
        return string.concat("-", _str(v == type(int256).min ? uint256(type(int256).max) + 1 : uint256(-v)));
    }

    function _str(address v) private pure returns (string memory) {
        return _hex(abi.encodePacked(v));
    }

    function _str(bytes32 v) private pure returns (string memory) {
        return _hex(abi.encodePacked(v));
    }

    function _str(bytes memory v) private pure returns (string memory) {
        return _hex(v);
    }

    function _hex(bytes memory data) private pure returns (string memory) {
        bytes memory digits = "0123456789abcdef";
        bytes memory out = new bytes(2 + data.length * 2);
        out[0] = "0";
        out[1] = "x";
        for (uint256 i = 0; i < data.length; i++) {
            out[2 + i * 2] = digits[uint8(data[i]) >> 4];
            out[3 + i * 2] = digits[uint8(data[i]) & 0x0f];
        }
        return string(out);
    }
}
