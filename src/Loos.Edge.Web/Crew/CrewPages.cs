using System.Security.Claims;
using System.Text.Json.Nodes;
using Loos.Edge.Modules;
using Loos.Edge.Web.Influx;
using Loos.Edge.Web.Pages;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Loos.Edge.Web.Crew;

/// <summary>
/// The lighting crew's pages under <c>/equipe</c>: a login (users of <c>web:usersFile</c>, a cookie that is HttpOnly,
/// SameSite=Strict and Secure over HTTPS), the circuits of every gateway, the printable week plan, and the override
/// forms whose requests go to the gateways over MQTT. Every form post carries an antiforgery token: one without is
/// refused with 400 and changes nothing.
/// </summary>
internal sealed class CrewPages : IWebPages
{
    public const string Scheme = "crew";

    /// <summary>How long a form post waits for the gateway's answer before showing the request as pending.</summary>
    private static readonly TimeSpan AnswerWait = TimeSpan.FromSeconds(5);

    public void AddServices(IServiceCollection services, WebOptions options, ISiteContext site)
    {
        services.AddAuthentication().AddCookie(Scheme, cookie =>
        {
            cookie.Cookie.Name = "loos-edge-crew";
            cookie.Cookie.Path = "/equipe";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.ExpireTimeSpan = TimeSpan.FromHours(12);
            cookie.SlidingExpiration = true;
        });
        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = "loos-edge-crew-form";
            antiforgery.Cookie.Path = "/equipe";
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
            antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            antiforgery.SuppressXFrameOptionsHeader = true;
        });
        services.AddSingleton<LoginLimiter>();
        services.AddSingleton<CrewData>();
        services.AddSingleton<CrewOverrides>();
        services.AddSingleton(new CrewUsers(site.ResolvePath(options.UsersFile) ?? Path.Combine(site.Directory, "web-users.txt")));
    }

    public void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/equipe/connexion", (HttpContext context, IAntiforgery antiforgery, ISiteContext site) =>
            Page(context, site, CrewHtml.Login(Token(context, antiforgery), null)));
        endpoints.MapPost("/equipe/connexion", LoginAsync);
        endpoints.MapPost("/equipe/deconnexion", async (HttpContext context, IAntiforgery antiforgery, ISiteContext site) =>
        {
            if (await UserAsync(context) is null || !await FormIsOursAsync(context, antiforgery))
            {
                return Refused(context, site, StatusCodes.Status400BadRequest, "Formulaire invalide : rechargez la page.");
            }

            await context.SignOutAsync(Scheme);
            return Results.Redirect("/equipe/connexion", preserveMethod: false);
        });
        endpoints.MapGet("/equipe", (HttpContext context, IServiceProvider services) => OverviewAsync(context, services, null, StatusCodes.Status200OK));
        endpoints.MapGet("/equipe/semaine", WeekAsync);
        endpoints.MapPost("/equipe/derogation", AddAsync);
        endpoints.MapPost("/equipe/derogation/annuler", CancelAsync);
    }

    private static async Task<IResult> LoginAsync(HttpContext context, IAntiforgery antiforgery, ISiteContext site, CrewUsers users, LoginLimiter limiter)
    {
        if (!await FormIsOursAsync(context, antiforgery))
        {
            return Refused(context, site, StatusCodes.Status400BadRequest, "Formulaire invalide : rechargez la page de connexion.");
        }

        var form = context.Request.Form;
        var name = form["name"].ToString();
        var password = form["password"].ToString();
        var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (limiter.IsBlocked(address, name, out var retryAfter))
        {
            context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return Page(context, site, CrewHtml.Login(Token(context, antiforgery), $"Trop d'essais : réessayez dans {Math.Ceiling(retryAfter.TotalMinutes)} min."), StatusCodes.Status429TooManyRequests);
        }

        if (!CrewUsers.IsValidName(name) || !users.Verify(name, password))
        {
            limiter.Failed(address, name);
            return Page(context, site, CrewHtml.Login(Token(context, antiforgery), "Nom ou mot de passe incorrect."), StatusCodes.Status401Unauthorized);
        }

        limiter.Succeeded(name);
        await context.SignInAsync(Scheme, new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, name)], Scheme)));
        return Results.Redirect("/equipe", preserveMethod: false);
    }

    private static async Task<IResult> OverviewAsync(HttpContext context, IServiceProvider services, string? problem, int statusCode)
    {
        if (await UserAsync(context) is not { } user)
        {
            return Results.Redirect("/equipe/connexion");
        }

        var site = services.GetRequiredService<ISiteContext>();
        if (await ViewAsync(context, services) is not { } view)
        {
            return Refused(context, site, StatusCodes.Status503ServiceUnavailable, "Les données d'éclairage ne peuvent pas être lues pour le moment (InfluxDB ne répond pas).");
        }

        var time = services.GetRequiredService<TimeProvider>();
        var html = CrewHtml.Overview(view, services.GetRequiredService<CrewOverrides>().Recent(), user, Token(context, services.GetRequiredService<IAntiforgery>()), site.TimeZone, time.GetUtcNow(), problem);
        return Page(context, site, html, statusCode);
    }

    private static async Task<IResult> WeekAsync(HttpContext context, IServiceProvider services)
    {
        var site = services.GetRequiredService<ISiteContext>();
        if (await UserAsync(context) is null)
        {
            return Results.Redirect("/equipe/connexion");
        }

        return await ViewAsync(context, services) is { } view
            ? Page(context, site, CrewHtml.Week(view, site.TimeZone))
            : Refused(context, site, StatusCodes.Status503ServiceUnavailable, "Les données d'éclairage ne peuvent pas être lues pour le moment (InfluxDB ne répond pas).");
    }

    private static async Task<IResult> AddAsync(HttpContext context, IServiceProvider services)
    {
        var site = services.GetRequiredService<ISiteContext>();
        if (await UserAsync(context) is not { } user || !await FormIsOursAsync(context, services.GetRequiredService<IAntiforgery>()))
        {
            return Refused(context, site, StatusCodes.Status400BadRequest, "Formulaire invalide : rechargez la page.");
        }

        var time = services.GetRequiredService<TimeProvider>();
        var view = await ViewAsync(context, services);
        var request = OverrideForm.Read(context.Request.Form, view, site.TimeZone, time.GetUtcNow(), services.GetRequiredService<WebOptions>().MaxOverrideDuration, out var gateway, out var summary);
        if (request.Problem is { } problem)
        {
            return await OverviewAsync(context, services, $"Dérogation refusée : {problem}", StatusCodes.Status400BadRequest);
        }

        var sent = await services.GetRequiredService<CrewOverrides>().SendAsync(gateway!, user, summary!, request.Json!, context.RequestAborted);
        return await AfterTheAnswerAsync(sent, time, context.RequestAborted);
    }

    private static async Task<IResult> CancelAsync(HttpContext context, IServiceProvider services)
    {
        var site = services.GetRequiredService<ISiteContext>();
        if (await UserAsync(context) is not { } user || !await FormIsOursAsync(context, services.GetRequiredService<IAntiforgery>()))
        {
            return Refused(context, site, StatusCodes.Status400BadRequest, "Formulaire invalide : rechargez la page.");
        }

        var form = context.Request.Form;
        var gateway = form["gateway"].ToString();
        var id = form["id"].ToString();
        var view = await ViewAsync(context, services);
        if (view is null || !view.Circuits.Any(c => c.Gateway == gateway))
        {
            return await OverviewAsync(context, services, $"Annulation refusée : la passerelle « {gateway} » est inconnue.", StatusCodes.Status400BadRequest);
        }

        if (id.Length is 0 or > 32 || !id.All(char.IsAsciiHexDigitLower))
        {
            return await OverviewAsync(context, services, "Annulation refusée : identifiant de dérogation invalide.", StatusCodes.Status400BadRequest);
        }

        var sent = await services.GetRequiredService<CrewOverrides>().SendAsync(gateway, user, $"annuler la dérogation {id}", new JsonObject { ["action"] = "cancel", ["id"] = id }, context.RequestAborted);
        return await AfterTheAnswerAsync(sent, services.GetRequiredService<TimeProvider>(), context.RequestAborted);
    }

    /// <summary>
    /// Back to the page once the gateway has answered, or after <see cref="AnswerWait"/>: a gateway on line answers within
    /// a second, so the page the crew sees next says applied or refused without a script or a timed reload.
    /// </summary>
    private static async Task<IResult> AfterTheAnswerAsync(CrewRequest sent, TimeProvider time, CancellationToken cancellationToken)
    {
        try
        {
            await sent.Answered.WaitAsync(AnswerWait, time, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Still pending: the page shows it so, and the answer on its next load.
        }

        return Results.Redirect("/equipe", preserveMethod: false);
    }

    /// <summary>The page's figures, or null when InfluxDB cannot be read.</summary>
    private static async Task<CrewView?> ViewAsync(HttpContext context, IServiceProvider services)
    {
        var site = services.GetRequiredService<ISiteContext>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var local = TimeZoneInfo.ConvertTime(now, site.TimeZone);
        var night = DateOnly.FromDateTime(local.DateTime.AddHours(-12));
        var noon = night.ToDateTime(new TimeOnly(12, 0));
        var monthStart = new DateTime(local.Year, local.Month, 1, 12, 0, 0, DateTimeKind.Unspecified);
        try
        {
            return await services.GetRequiredService<CrewData>().ReadAsync(
                new DateTimeOffset(noon, site.TimeZone.GetUtcOffset(noon)),
                new DateTimeOffset(monthStart, site.TimeZone.GetUtcOffset(monthStart)),
                now,
                context.RequestAborted);
        }
        catch (InfluxReadException)
        {
            return null;
        }
    }

    /// <summary>The logged-in user, still in the users file; null otherwise.</summary>
    private static async Task<string?> UserAsync(HttpContext context)
    {
        var result = await context.AuthenticateAsync(Scheme);
        if (result.Principal?.Identity?.Name is not { } name || !context.RequestServices.GetRequiredService<CrewUsers>().Names().Contains(name))
        {
            return null;
        }

        // Antiforgery tokens are bound to the user.
        context.User = result.Principal;
        return name;
    }

    private static async Task<bool> FormIsOursAsync(HttpContext context, IAntiforgery antiforgery)
    {
        if (!context.Request.HasFormContentType)
        {
            return false;
        }

        try
        {
            await antiforgery.ValidateRequestAsync(context);
            return true;
        }
        catch (Exception exception) when (exception is AntiforgeryValidationException or BadHttpRequestException or InvalidDataException)
        {
            // No token, a wrong one, or a form over the size and count limits: refused before any field is read.
            return false;
        }
    }

    private static string Token(HttpContext context, IAntiforgery antiforgery) => antiforgery.GetAndStoreTokens(context).RequestToken ?? "";

    private static IResult Page(HttpContext context, ISiteContext site, string body, int statusCode = StatusCodes.Status200OK) =>
        PageLayout.Html(PageLayout.Render(context, "fr", "Éclairage public", site.Name, body), statusCode);

    private static IResult Refused(HttpContext context, ISiteContext site, int statusCode, string problem) =>
        Page(context, site, $"<h1>Éclairage public</h1>\n<p class=\"notice\" role=\"alert\">{PageLayout.Encode(problem)}</p>\n<p><a href=\"/equipe\">Retour</a></p>\n", statusCode);
}
