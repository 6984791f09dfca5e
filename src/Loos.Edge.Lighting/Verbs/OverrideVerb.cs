using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using Loos.Edge.Http;
using Loos.Edge.Lighting.Overriding;
using Loos.Edge.Modules;

namespace Loos.Edge.Verbs.Lighting;

/// <summary>
/// What the <c>lighting override</c> verbs share: the running gateway's management address (from <c>--address</c>, or
/// the site file's <c>health:address</c>), the site's time zone, and one HTTP request to it.
/// </summary>
internal abstract class OverrideVerb : Verb
{
    /// <summary>The gateway could not be reached (<see cref="ExitCodes"/>: 3, cannot reach).</summary>
    public const int Unreachable = 3;

    private const int DefaultPort = 8187;

    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(15);

    private readonly Option<string?> config = CommonOptions.OptionalConfig("The site file: the gateway's health:address and the site's time zone.");
    private readonly Option<TcpEndpoint?> address = TcpEndpoint.Option("--address", DefaultPort, "The gateway's management address HOST:PORT (its health:address); default 127.0.0.1:8187.");
    private readonly IVerbContext context;

    protected OverrideVerb(IVerbContext context, string name, string description)
        : base(name, description)
    {
        this.context = context;
        Add(config, address);
    }

    /// <summary>The verb's name for messages, such as <c>loos-edge lighting override add</c>.</summary>
    protected string FullName => "loos-edge lighting override " + Command.Name;

    /// <summary>The gateway to talk to and the zone the crew's local times are in; null when the site file is invalid.</summary>
    protected async Task<GatewayAddress?> ResolveAsync(ParseResult parse)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
        var endpoint = new TcpEndpoint("127.0.0.1", DefaultPort);
        if (parse.GetValue(config) is { } path)
        {
            if (await context.LoadSiteAsync(path, parse.InvocationConfiguration.Error).ConfigureAwait(false) is not { } site)
            {
                return null;
            }

            zone = site.TimeZone;

            // The loader has checked health:address; a gateway listening on every address answers on loopback.
            var health = EndpointAddress.Parse(site.Options<HealthOptions>().Address, "health:address");
            var host = health.Address.Equals(IPAddress.Any) ? IPAddress.Loopback : health.Address.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback : health.Address;
            endpoint = new TcpEndpoint(host.ToString(), health.Port);
        }

        return new GatewayAddress(parse.GetValue(address) ?? endpoint, zone);
    }

    /// <summary>
    /// Sends one request to the gateway and prints its refusal; the exit code is 0 when it applied it, 1 when it did not,
    /// 3 when it cannot be reached.
    /// </summary>
    protected async Task<(int ExitCode, OverrideReply? Reply, string Body)> SendAsync(
        ParseResult parse, GatewayAddress gateway, HttpMethod method, string path, OverrideRequest? request, CancellationToken cancellationToken)
    {
        var error = parse.InvocationConfiguration.Error;
        var host = gateway.Endpoint.Host.Contains(':', StringComparison.Ordinal) ? $"[{gateway.Endpoint.Host}]" : gateway.Endpoint.Host;
        using var http = new HttpClient { Timeout = RequestTimeout };
        using var message = new HttpRequestMessage(method, new Uri($"http://{host}:{gateway.Endpoint.Port}{path}"));
        if (request is not null)
        {
            message.Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(request, OverrideJsonContext.Readable.OverrideRequest));
            message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        string body;
        HttpStatusCode status;
        try
        {
            using var response = await http.SendAsync(message, cancellationToken).ConfigureAwait(false);
            status = response.StatusCode;
            body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var cause = exception is TaskCanceledException ? $"no answer within {RequestTimeout.TotalSeconds:0} s"
                : exception.InnerException is SocketException socket ? socket.Message
                : exception.Message;
            await error.WriteLineAsync($"{FullName}: cannot reach the gateway at {gateway.Endpoint}: {cause} (is loos-edge running, with this health:address?)").ConfigureAwait(false);
            return (Unreachable, null, string.Empty);
        }

        OverrideReply? reply = null;
        try
        {
            reply = body.Length == 0 ? null : JsonSerializer.Deserialize(body, OverrideJsonContext.Readable.OverrideReply);
        }
        catch (JsonException)
        {
            // Not a gateway's override reply: said below with the status.
        }

        if (reply is null)
        {
            await error.WriteLineAsync(status == HttpStatusCode.NotFound
                ? $"{FullName}: the gateway at {gateway.Endpoint} takes no overrides (HTTP 404): its site file has no lighting circuits, or this is not its health:address"
                : $"{FullName}: the gateway at {gateway.Endpoint} answered HTTP {(int)status} without an override reply").ConfigureAwait(false);
            return (ExitCodes.Failure, null, body);
        }

        if (!reply.Applied)
        {
            await error.WriteLineAsync($"{FullName}: not applied: {reply.Error}").ConfigureAwait(false);
            return (ExitCodes.Failure, reply, body);
        }

        return (ExitCodes.Success, reply, body);
    }

    /// <summary>One override as a line: <c>3f2a9c1b  level 100 %  2026-07-14 22:30 → 2026-07-15 00:30 Europe/Paris  rue-basly  (feu d'artifice)</c>.</summary>
    protected static string Describe(OverrideView item, TimeZoneInfo zone) =>
        string.Create(CultureInfo.InvariantCulture, $"{item.Id}  level {item.Level,3} %  {Local(item.From, zone)} → {Local(item.Until, zone)} {zone.Id}  {(item.All ? "all circuits" : string.Join(", ", item.Circuits))}{(item.Reason.Length > 0 ? $"  ({item.Reason})" : string.Empty)}");

    /// <summary>An instant of a reply as a local <c>yyyy-MM-dd HH:mm</c> in <paramref name="zone"/>.</summary>
    protected static string Local(string instant, TimeZoneInfo zone) =>
        DateTimeOffset.TryParse(instant, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)
            ? TimeZoneInfo.ConvertTime(parsed, zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)
            : instant;
}

/// <summary>The running gateway's management address, and the zone of the site's clocks.</summary>
internal sealed record GatewayAddress(TcpEndpoint Endpoint, TimeZoneInfo Zone);
