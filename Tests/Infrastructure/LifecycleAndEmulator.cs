using System.Xml.Linq;

namespace BtrfsToS3.Tests.Infrastructure;

/// <summary>
/// AWS's form of a lifecycle filter of several conditions, on top of the real local S3 server. RGW 16 stores such a
/// filter (PutBucketLifecycleConfiguration with an And of a prefix and tags), but answers
/// GetBucketLifecycleConfiguration with the conditions side by side in the Filter, without the And element around them;
/// that is not S3's schema, and the SDK refuses to read it ("The Filter element must contain at most one 'Prefix',
/// 'Tag', or 'And' predicate"). AWS answers as its API reference defines the filter (LifecycleRuleFilter: one Prefix,
/// Tag, ObjectSizeGreaterThan, ObjectSizeLessThan or And; LifecycleRuleAndOperator: the conditions of an And). This
/// layer under the SDK client (<see cref="LayeredHttp"/>) puts RGW's side-by-side conditions into an And; every other
/// answer is passed on unchanged.
/// </summary>
internal sealed class LifecycleAndEmulator : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(
        HttpRequestMessage request,
        CancellationToken cancellationToken
    )
    {
        HttpResponseMessage response = await base.SendAsync(request, cancellationToken);
        if (
            request.Method != HttpMethod.Get
            || request.RequestUri?.Query.Contains("lifecycle", StringComparison.Ordinal) != true
            || !response.IsSuccessStatusCode
        )
        {
            return response;
        }

        XDocument answer = XDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        foreach (
            XElement filter in answer
                .Descendants()
                .Where(e => e.Name.LocalName == "Filter" && e.Elements().Count() > 1)
                .ToList()
        )
        {
            XElement[] conditions = [.. filter.Elements()];
            filter.RemoveNodes();
            filter.Add(new XElement(filter.Name.Namespace + "And", conditions));
        }

        response.Content = new StringContent(answer.ToString(), System.Text.Encoding.UTF8, "application/xml");
        return response;
    }
}
