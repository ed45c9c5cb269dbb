namespace BtrfsToS3.Shared.Configuration;

/// <summary>
/// How the uploader waits: GiveUpAfter bounds an S3 outage (then exit 75, spool intact); multipart uploads left by a
/// killed run that no upload record names are aborted once older than AbortUploadsOlderThan (those a record names are
/// resumed); in follow mode, with nothing to do and no spooler running, it waits Linger for one to start before it
/// exits. Bandwidth caps the total rate of uploads, and of restore downloads, over all connections, by local time of
/// day.
/// </summary>
/// <param name="GiveUpAfter">[uploader] give_up_after: from 0s to 30d. Default 1h.</param>
/// <param name="AbortUploadsOlderThan">[uploader] abort_uploads_older_than: from 0s to 365d. Default 1d.</param>
/// <param name="Linger">[uploader] linger: from 0s to 1d. Default 2m.</param>
/// <param name="Bandwidth">[uploader] bandwidth: off, a rate or a timetable (<see cref="BandwidthSchedule"/>). Default
/// off.</param>
internal sealed record UploaderOptions(
    TimeSpan GiveUpAfter,
    TimeSpan AbortUploadsOlderThan,
    TimeSpan Linger,
    BandwidthSchedule Bandwidth
)
{
    /// <summary>Reads and checks [uploader].</summary>
    public static UploaderOptions Read(ConfigSection section) =>
        new(
            section.Duration("give_up_after", TimeSpan.Zero, TimeSpan.FromDays(30)),
            section.Duration("abort_uploads_older_than", TimeSpan.Zero, TimeSpan.FromDays(365)),
            section.Duration("linger", TimeSpan.Zero, TimeSpan.FromDays(1)),
            section.Bandwidth("bandwidth")
        );
}
