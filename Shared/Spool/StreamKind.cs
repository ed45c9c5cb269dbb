using System.Text.Json.Serialization;

namespace BtrfsToS3.Shared.Spool;

/// <summary>A full stream stands alone and starts a generation; an incremental needs its parent's stream received
/// first.</summary>
internal enum StreamKind
{
    [JsonStringEnumMemberName("full")]
    Full,

    [JsonStringEnumMemberName("incremental")]
    Incremental,
}
