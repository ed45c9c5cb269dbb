namespace BtrfsToS3.Shared.Configuration;

/// <summary>
/// [subvolumes] nested: what becomes of the subvolumes nested inside a configured one (a Proxmox VM disk, a container
/// volume), which a snapshot of the configured one shows as empty directories. Never silent.
/// </summary>
internal enum NestedMode
{
    /// <summary>Each is backed up as a chain of its own and restored in its place.</summary>
    Include,

    /// <summary>Left out, with a warning naming every one at every run.</summary>
    Exclude,

    /// <summary>The spooler refuses to run (exit 78) while any exists, naming them.</summary>
    Fail,
}
