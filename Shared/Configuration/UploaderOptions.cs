namespace BtrfsToS3.Shared.Configuration;

/// <summary>
/// How the uploader waits: GiveUpAfter bounds an S3 outage (then exit 75, spool intact); multipart uploads left by a
/// killed run are aborted once older than AbortUploadsOlderThan; in follow mode, with nothing to do and no spooler
/// running, it waits Linger for one to start before it exits.
/// </summary>
internal sealed record UploaderOptions(TimeSpan GiveUpAfter, TimeSpan AbortUploadsOlderThan, TimeSpan Linger);
