using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Loos.Edge.Modules.Commissioning;

namespace Loos.Edge.Http;

/// <summary>
/// The doctor's check of an address the gateway listens on: free, or held by this gateway (its health endpoint
/// answers), or taken by another program.
/// </summary>
internal static class HttpCommissioning
{
    private static readonly TimeSpan HealthTimeout = TimeSpan.FromSeconds(3);

    /// <param name="what">The address' role: <c>listener</c>, <c>health</c>.</param>
    /// <param name="key">The site-file key of the address.</param>
    /// <param name="address">The address to check.</param>
    /// <param name="healthAddress">Where the gateway's health endpoint would answer.</param>
    public static IDoctorCheck PortCheck(string what, string key, string address, string healthAddress) =>
        new DoctorCheck($"{what} port {address}", async cancellationToken =>
        {
            var endpoint = EndpointAddress.Parse(address, key);
            try
            {
                using var probe = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                probe.Bind(endpoint);
                return CheckResult.Pass($"{address} is free");
            }
            catch (SocketException exception) when (exception.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                var health = await AskHealthAsync(EndpointAddress.Parse(healthAddress, "health:address"), cancellationToken).ConfigureAwait(false);
                return health is not null
                    ? CheckResult.Pass($"{address} is held by a running gateway (its /health on {healthAddress} answers: {health})")
                    : CheckResult.Fail(
                        $"{address} is in use by another program",
                        $"find it with `ss -ltnp 'sport = :{endpoint.Port}'` and stop it, or choose another {key}");
            }
            catch (SocketException exception)
            {
                return CheckResult.Fail($"cannot listen on {address}: {exception.Message}", $"check {key}: the address must be one of this machine's");
            }
        });

    /// <summary>The status a gateway's <c>/health</c> reports at <paramref name="endpoint"/>; null when nothing like it answers.</summary>
    private static async Task<string?> AskHealthAsync(IPEndPoint endpoint, CancellationToken cancellationToken)
    {
        var host = endpoint.Address.Equals(IPAddress.Any) ? IPAddress.Loopback : endpoint.Address.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback : endpoint.Address;
        using var http = new HttpClient { Timeout = HealthTimeout };
        try
        {
            using var response = await http.GetAsync(new Uri($"http://{new IPEndPoint(host, endpoint.Port)}/health"), cancellationToken).ConfigureAwait(false);
            using var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
            return report.RootElement.TryGetProperty("status", out var status) && report.RootElement.TryGetProperty("buffer", out _) ? "status " + status.GetString() : null;
        }
        catch (Exception exception) when (exception is HttpRequestException or JsonException or TaskCanceledException)
        {
            return null;
        }
    }
}
