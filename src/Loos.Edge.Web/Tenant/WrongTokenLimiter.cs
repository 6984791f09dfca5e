using System.Collections.Concurrent;
using System.Net;

namespace Loos.Edge.Web.Tenant;

/// <summary>
/// Slows down guessing: a client (by address) that presents <see cref="MaxWrongTokens"/> wrong links or cookies within
/// <see cref="Window"/> is refused (429, with how long to wait) until the window ends, right or wrong token alike. With
/// 256-bit secrets guessing cannot succeed anyway; this keeps a scan from costing the server and filling its logs.
/// </summary>
internal sealed class WrongTokenLimiter(TimeProvider timeProvider)
{
    public const int MaxWrongTokens = 10;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    /// <summary>Past this many clients counted, the windows that ended are forgotten.</summary>
    private const int PruneAbove = 10_000;

    private readonly ConcurrentDictionary<IPAddress, (DateTimeOffset WindowEnd, int Wrong)> clients = new();

    /// <summary>Whether <paramref name="client"/> must wait; <paramref name="retryAfter"/> says how long.</summary>
    public bool IsLimited(IPAddress? client, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        var now = timeProvider.GetUtcNow();
        if (!clients.TryGetValue(client ?? IPAddress.None, out var entry) || entry.WindowEnd <= now || entry.Wrong < MaxWrongTokens)
        {
            return false;
        }

        retryAfter = entry.WindowEnd - now;
        return true;
    }

    /// <summary>Counts a wrong token from <paramref name="client"/>.</summary>
    public void CountWrong(IPAddress? client)
    {
        // A client without an address (a Unix socket, an in-memory test server) is counted as one client.
        client ??= IPAddress.None;
        var now = timeProvider.GetUtcNow();
        if (clients.Count > PruneAbove)
        {
            foreach (var ended in clients.Where(pair => pair.Value.WindowEnd <= now).Select(pair => pair.Key).ToList())
            {
                clients.TryRemove(ended, out _);
            }
        }

        clients.AddOrUpdate(client, _ => (now + Window, 1), (_, entry) => entry.WindowEnd <= now ? (now + Window, 1) : (entry.WindowEnd, entry.Wrong + 1));
    }
}
