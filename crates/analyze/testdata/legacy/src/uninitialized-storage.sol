pragma solidity 0.4.26;

/// Before solc 0.5, a local struct declared without a location points at
/// storage slot 0: registering overwrites `owner`.
contract UninitializedStorageBad {
    address public owner = msg.sender;
    struct Entry {
        address who;
        uint256 amount;
    }
    Entry[] public entries;

    function add(uint256 amount) public {
        Entry entry; // finding: uninitialized-storage
        entry.who = msg.sender;
        entry.amount = amount;
        entries.push(entry);
    }
}

/// Safe: the location is said, or the pointer is given a value.
contract UninitializedStorageSafe {
    address public owner = msg.sender;
    struct Entry {
        address who;
        uint256 amount;
    }
    Entry[] public entries;

    function add(uint256 amount) public {
        Entry memory entry;
        entry.who = msg.sender;
        entry.amount = amount;
        entries.push(entry);
        Entry storage last = entries[entries.length - 1];
        last.amount += 1;
    }
}
