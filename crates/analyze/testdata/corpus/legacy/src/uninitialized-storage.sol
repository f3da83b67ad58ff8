pragma solidity 0.4.26;

// Uninitialised storage pointers: before solc 0.5, a local struct or
// array declared without `memory` or a value points at storage slot 0,
// and writing through it overwrites the contract's first state variables.

contract RecordRegistry {
    bool public unlocked = false;
    struct Record {
        bytes32 name;
        address owner;
    }
    mapping(address => Record) public records;

    function register(bytes32 name) public {
        Record record; // bug: uninitialized-storage
        record.name = name;
        record.owner = msg.sender;
        records[msg.sender] = record;
        require(unlocked);
    }
}

contract Collector {
    address public owner = msg.sender;
    uint256[] public collected;

    function collect(uint256 a, uint256 b) public {
        uint256[] batch; // bug: uninitialized-storage
        batch.push(a);
        batch.push(b);
        collected.push(a + b);
    }
}

contract ConditionalDeposit { // bug: locked-ether
    uint256 public total;
    address public admin = msg.sender;
    struct Deposit {
        uint256 amount;
        address from;
    }
    Deposit[] public deposits;

    function deposit(bool record) public payable {
        Deposit entry; // bug: uninitialized-storage
        if (record) {
            entry.amount = msg.value;
            entry.from = msg.sender;
            deposits.push(entry);
        }
        total += msg.value;
    }
}

contract HelperEntries {
    address public owner = msg.sender;
    struct Entry {
        address who;
        uint256 at;
    }
    Entry[] public entries;

    function enter() public {
        _record(msg.sender);
    }

    function _record(address who) internal {
        Entry e; // bug: uninitialized-storage
        e.who = who;
        e.at = now;
        entries.push(e);
    }
}

contract BranchAssigned { // bug: locked-ether
    address public owner = msg.sender;
    struct Bid {
        address bidder;
        uint256 amount;
    }
    mapping(uint256 => Bid) public bids;

    function raise(uint256 id, bool existing) public payable {
        Bid bid; // bug: uninitialized-storage
        if (existing) {
            bid = bids[id];
        }
        bid.amount += msg.value;
    }
}

// Safe: a pointer into a mapping, a memory copy, a memory array.
contract ExplicitLocations {
    address public owner = msg.sender;
    struct Record {
        bytes32 name;
        address owner;
    }
    mapping(address => Record) public records;

    function register(bytes32 name) public {
        Record storage record = records[msg.sender];
        record.name = name;
        Record memory copy;
        copy.name = name;
        uint256[] memory scratch = new uint256[](2);
        scratch[0] = 1;
    }
}
