using Loos.Edge.Heating;
using Loos.Edge.Modules;
using Loos.Edge.Web.Influx;
using Loos.Edge.Web.Pages;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Loos.Edge.Web.Tenant;

/// <summary>
/// The tenants' pages. <c>/h/{token}</c> exchanges a home's link for a cookie and moves on to <c>/maison</c>, which
/// shows the home of the cookie's token; the home comes from the token alone. A malformed, unknown or revoked token
/// gets the same 404 as any unknown address, and a client that keeps trying wrong ones is made to wait (429).
/// </summary>
internal sealed partial class TenantPages : IWebPages
{
    public const string PagePath = "/maison";

    public void AddServices(IServiceCollection services, WebOptions options, ISiteContext site)
    {
        services.AddSingleton(new TenantTokens(options));
        services.AddSingleton<WrongTokenLimiter>();
        services.AddSingleton<HomeHeatingReader>();
    }

    public void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/h/{token}", ExchangeLink);
        endpoints.MapGet(PagePath, ShowHomeAsync);
    }

    private static IResult ExchangeLink(string token, HttpContext context, TenantTokens tokens, WrongTokenLimiter limiter, WebOptions options, ISiteContext site, ILogger<TenantPages> logger)
    {
        var (refusal, _) = Check(context, tokens, limiter, site, logger, token);
        if (refusal is not null)
        {
            return refusal;
        }

        context.Response.Cookies.Append(CookieName(options), token, new CookieOptions
        {
            HttpOnly = true,
            Secure = options.UsesHttps,
            SameSite = SameSiteMode.Strict,
            Path = "/",
            MaxAge = TimeSpan.FromDays(180),
            IsEssential = true,
        });

        // Not a redirect: a SameSite=Strict cookie set while following a link from a mail or another site is not sent
        // on the redirect that follows it; a refresh from this page is a navigation of the site itself, so it is.
        return PageLayout.Html(PageLayout.Render(context, "fr", "Votre chauffage", site.Name,
            $"<h1>Votre chauffage</h1>\n<p><a href=\"{PagePath}\">Ouvrir la page de votre logement</a>. Vous pourrez ensuite y revenir directement, sans le lien.</p>\n",
            $"<meta http-equiv=\"refresh\" content=\"0;url={PagePath}\">\n"));
    }

    private static async Task<IResult> ShowHomeAsync(HttpContext context, TenantTokens tokens, WrongTokenLimiter limiter, WebOptions options, ISiteContext site, HomeHeatingReader reader, TimeProvider timeProvider, ILogger<TenantPages> logger)
    {
        var cookie = context.Request.Cookies[CookieName(options)];
        var (refusal, found) = Check(context, tokens, limiter, site, logger, cookie);
        if (refusal is not null)
        {
            if (cookie is not null)
            {
                context.Response.Cookies.Delete(CookieName(options), new CookieOptions { Path = "/", Secure = options.UsesHttps });
            }

            return refusal;
        }

        var home = found!.Home;
        try
        {
            var heating = await reader.ReadAsync(home, context.RequestAborted).ConfigureAwait(false);
            return PageLayout.Html(heating is null
                ? TenantPage.Missing(context, site.Name)
                : TenantPage.Render(context, site.Name, heating, site.Options<HeatingOptions>().TargetEur, timeProvider.GetUtcNow(), site.TimeZone));
        }
        catch (InfluxReadException exception)
        {
            LogInfluxFailed(logger, exception.Message);
            return PageLayout.Html(TenantPage.Unavailable(context, site.Name), StatusCodes.Status503ServiceUnavailable);
        }
    }

    /// <summary>The home's token of <paramref name="token"/>, or the response that refuses it (429 for a client that must wait, else 404).</summary>
    private static (IResult? Refusal, TenantToken? Token) Check(HttpContext context, TenantTokens tokens, WrongTokenLimiter limiter, ISiteContext site, ILogger logger, string? token)
    {
        var client = context.Connection.RemoteIpAddress;
        if (limiter.IsLimited(client, out var retryAfter))
        {
            context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return (PageLayout.Html(PageLayout.Render(context, "fr", "Trop d'essais", site.Name,
                "<h1>Trop d'essais</h1>\n<p>Trop de liens incorrects ont été essayés depuis cet appareil. Réessayez plus tard avec le lien reçu.</p>\n"), StatusCodes.Status429TooManyRequests), null);
        }

        TenantToken? found;
        try
        {
            found = tokens.Find(token);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            LogTokensUnreadable(logger, exception.Message);
            return (PageLayout.Html(TenantPage.Unavailable(context, site.Name), StatusCodes.Status503ServiceUnavailable), null);
        }

        if (found is not null)
        {
            return (null, found);
        }

        if (token is not null)
        {
            limiter.CountWrong(client);
        }

        return (PageLayout.Html(WebHost.NotFoundPage(context, site), StatusCodes.Status404NotFound), null);
    }

    /// <summary>A <c>__Host-</c> cookie over HTTPS: the browser then refuses it from any other host or path.</summary>
    private static string CookieName(WebOptions options) => options.UsesHttps ? "__Host-loos-home" : "loos-home";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tenant page not served: InfluxDB: {Reason}")]
    private static partial void LogInfluxFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Tenant links not checked: the tokens file cannot be read: {Reason}")]
    private static partial void LogTokensUnreadable(ILogger logger, string reason);
}
