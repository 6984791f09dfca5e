namespace Loos.Edge.Web.Tests;

/// <summary>Every response of the web host, page or refusal, carries the same protective headers.</summary>
[Collection(PublishedHeatingCollection.Name)]
public sealed class SecurityHeaderTests(PublishedHeating heating)
{
    [Theory]
    [InlineData("/h/{A}")]
    [InlineData("/maison")]
    [InlineData("/maison+cookie")]
    [InlineData("/h/unknown")]
    [InlineData("/nothing/here")]
    [InlineData("/")]
    public async Task EveryResponse_CarriesTheSecurityHeaders(string path)
    {
        var secret = await heating.LinkForAsync("12");
        await using var web = await WebApp.StartAsync(heating.SiteFile);

        var (response, body) = path == "/maison+cookie"
            ? await web.GetAsync("/maison", $"loos-home={secret}")
            : await web.GetAsync(path.Replace("{A}", secret, StringComparison.Ordinal));

        Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
        Assert.Equal("no-store", Header(response, "Cache-Control"));
        Assert.Contains("noindex", Header(response, "X-Robots-Tag"), StringComparison.Ordinal);
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        var policy = Header(response, "Content-Security-Policy");
        foreach (var directive in new[] { "default-src 'none'", "img-src 'self' data:", "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'" })
        {
            Assert.Contains(directive, policy, StringComparison.Ordinal);
        }

        // The page's only style sheet carries the nonce the policy allows; no script, no external resource.
        var nonce = policy.Split("'nonce-")[1].Split('\'')[0];
        Assert.Contains($"<style nonce=\"{nonce}\">", body, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http://", body.Replace("http://www.w3.org/2000/svg", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("https://", body, StringComparison.Ordinal);
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values) ? string.Join(", ", values) : string.Empty;
}
