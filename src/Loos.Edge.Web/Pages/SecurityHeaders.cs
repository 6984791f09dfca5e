using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Loos.Edge.Web.Pages;

/// <summary>
/// The headers of every response of the web host: no referrer (a tenant's link never leaks to another site), no
/// caching (a shared computer keeps no page), no indexing, no MIME sniffing, and a Content-Security-Policy that allows
/// nothing but the page's own inline style sheet (by a nonce drawn for each response), its images and its forms.
/// </summary>
internal static class SecurityHeaders
{
    private const string NonceKey = "loos-edge.csp-nonce";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        context.Items[NonceKey] = nonce;
        var headers = context.Response.Headers;
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-store";
        headers["X-Robots-Tag"] = "noindex, nofollow";
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers.ContentSecurityPolicy =
            $"default-src 'none'; style-src 'nonce-{nonce}'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
        await next(context).ConfigureAwait(false);
    });

    /// <summary>The nonce that the response's inline style sheet carries.</summary>
    public static string NonceOf(HttpContext context) => context.Items[NonceKey] as string ?? string.Empty;
}
