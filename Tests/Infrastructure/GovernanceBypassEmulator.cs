using System.Net;
using System.Text;

namespace BtrfsToS3.Tests.Infrastructure;

/// <summary>
/// AWS's check of s3:BypassGovernanceRetention, on top of the local server, for a client whose policy does not grant it
/// (docs/iam-policy-no-delete.json, checked by S3PermissionsTests): "To override or remove governance-mode retention
/// settings, a user must have the s3:BypassGovernanceRetention permission and must explicitly include
/// x-amz-bypass-governance-retention:true as a request header" (S3 user guide, "Locking objects with Object Lock",
/// Governance mode; S3 API reference, PutObjectRetention and DeleteObject, x-amz-bypass-governance-retention). Ceph RGW
/// 16 takes the header from any user allowed s3:PutObjectRetention and shortens the lock (tried): here a request that
/// carries it is answered 403 AccessDenied without reaching the server. Everything else goes to the server unchanged.
/// </summary>
internal sealed class GovernanceBypassEmulator : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(
        HttpRequestMessage request,
        CancellationToken cancellationToken
    ) =>
        request.Headers.TryGetValues("x-amz-bypass-governance-retention", out IEnumerable<string>? bypass)
        && bypass.Any(v => v.Equals("true", StringComparison.OrdinalIgnoreCase))
            ? Task.FromResult(
                new HttpResponseMessage(HttpStatusCode.Forbidden)
                {
                    Content = new StringContent(
                        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>",
                        Encoding.UTF8,
                        "application/xml"
                    ),
                }
            )
            : base.SendAsync(request, cancellationToken);
}
