using System.Collections.Concurrent;

namespace Loos.Edge.Web.Crew;

/// <summary>
/// Failed logins, counted per client address and per user name: after <see cref="MaxFailures"/> failures within
/// <see cref="Window"/>, further attempts are refused until the window has passed, without checking the password.
/// </summary>
internal sealed class LoginLimiter(TimeProvider time)
{
    public const int MaxFailures = 5;

    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    private readonly ConcurrentDictionary<string, List<DateTimeOffset>> failures = new(StringComparer.Ordinal);

    /// <summary>Whether an attempt from <paramref name="address"/> for <paramref name="user"/> is refused now; when, the wait.</summary>
    public bool IsBlocked(string address, string user, out TimeSpan retryAfter)
    {
        var now = time.GetUtcNow();
        retryAfter = TimeSpan.Zero;
        foreach (var key in Keys(address, user))
        {
            if (failures.TryGetValue(key, out var times))
            {
                lock (times)
                {
                    times.RemoveAll(t => t <= now - Window);
                    if (times.Count >= MaxFailures && times[0] + Window - now is var wait && wait > retryAfter)
                    {
                        retryAfter = wait;
                    }
                }
            }
        }

        return retryAfter > TimeSpan.Zero;
    }

    public void Failed(string address, string user)
    {
        var now = time.GetUtcNow();
        foreach (var key in Keys(address, user))
        {
            var times = failures.GetOrAdd(key, _ => []);
            lock (times)
            {
                times.Add(now);
            }
        }

        // A flood of made-up names cannot grow the table without bound.
        if (failures.Count > 10_000)
        {
            failures.Clear();
        }
    }

    public void Succeeded(string user) => failures.TryRemove("user:" + user, out _);

    private static string[] Keys(string address, string user) => ["address:" + address, "user:" + user];
}
