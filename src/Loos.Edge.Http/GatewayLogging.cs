using Microsoft.Extensions.Logging;

namespace Loos.Edge.Http;

/// <summary>The log format every loos-edge host writes (journald takes standard output): one line per entry, UTC time first.</summary>
public static class GatewayLogging
{
    /// <summary>Replaces the default providers with single-line console output stamped in UTC; ASP.NET Core's own entries from warnings up.</summary>
    public static ILoggingBuilder AddGatewayConsole(this ILoggingBuilder logging)
    {
        ArgumentNullException.ThrowIfNull(logging);
        logging.ClearProviders();
        logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            console.UseUtcTimestamp = true;
        });
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
        return logging;
    }
}
