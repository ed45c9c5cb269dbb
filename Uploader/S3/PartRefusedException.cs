namespace BtrfsToS3.Uploader.S3;

/// <summary>
/// S3 refused a part (or a whole object) because its bytes do not match the checksum sent with it (400 BadDigest): the
/// bytes read from the spool are not those the checksums were computed from. Not an outage: sending it again sends the
/// same bytes.
/// </summary>
internal sealed class PartRefusedException(int part, string answer) : Exception($"S3 refused part {part}: {answer}")
{
    public int Part { get; } = part;

    public string Answer { get; } = answer;
}
