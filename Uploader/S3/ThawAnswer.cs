namespace BtrfsToS3.Uploader.S3;

/// <summary>How S3 answered a request to thaw an archived object.</summary>
internal enum ThawAnswer
{
    /// <summary>The thaw was started, or one is already under way (409 RestoreAlreadyInProgress): the state we
    /// want.</summary>
    Thawing,

    /// <summary>
    /// The object is readable as it is: not in an archive class (AWS: 403 ObjectAlreadyInActiveTierError), or the
    /// server has no archive tier (Ceph RGW answers 501).
    /// </summary>
    NotArchived,
}
