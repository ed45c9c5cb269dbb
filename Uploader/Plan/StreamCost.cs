namespace BtrfsToS3.Uploader.Plan;

/// <summary>What one stream costs in objects and PUT-class requests, and the GET requests that download it
/// again.</summary>
internal sealed record StreamCost(long Bytes, long Objects, long PutRequests, decimal PutCost, long GetRequests);
