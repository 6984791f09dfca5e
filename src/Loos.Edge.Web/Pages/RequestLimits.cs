using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Loos.Edge.Web.Pages;

/// <summary>
/// The sizes a request of the pages may have: a link, a login form or an override form fits well within them, so
/// anything larger is refused before a page reads it (Kestrel's limits, and the same checks for any other server).
/// </summary>
internal static class RequestLimits
{
    /// <summary>The largest request body, bytes: a form of a few fields.</summary>
    public const int MaxBodyBytes = 16 * 1024;

    /// <summary>The longest path and query, characters: a tenant's link is about 50.</summary>
    public const int MaxTargetLength = 2048;

    public static void Apply(KestrelServerLimits limits)
    {
        limits.MaxRequestBodySize = MaxBodyBytes;
        limits.MaxRequestLineSize = MaxTargetLength + 64;
        limits.MaxRequestHeadersTotalSize = 16 * 1024;
        limits.MaxRequestHeaderCount = 50;
    }

    public static IApplicationBuilder UseRequestLimits(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var request = context.Request;
        if ((request.Path.Value?.Length ?? 0) + (request.QueryString.Value?.Length ?? 0) > MaxTargetLength)
        {
            context.Response.StatusCode = StatusCodes.Status414UriTooLong;
            return;
        }

        if (request.ContentLength > MaxBodyBytes)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = MaxBodyBytes;
        }

        await next(context).ConfigureAwait(false);
    });
}
