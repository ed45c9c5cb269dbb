namespace BtrfsToS3.Shared.Spool;

/// <summary>A stream directory found in the spool, and how far it got.</summary>
internal sealed record SpoolStream(string Name, string Dir, string Subvolume, DateTimeOffset Time, bool HasHeader, bool IsSealed)
{
    public string HeaderPath => Path.Combine(Dir, SpoolLayout.Header);

    public string SealPath => Path.Combine(Dir, SpoolLayout.Seal);
}
