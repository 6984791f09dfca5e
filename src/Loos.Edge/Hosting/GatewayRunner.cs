using System.Globalization;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using Loos.Edge.Modules.SiteFiles;
using Loos.Edge.SiteFiles;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Loos.Edge.Hosting;

/// <summary>
/// Runs the gateway until SIGTERM, reloading the site file at each SIGHUP (<c>systemctl reload</c>): a file with problems
/// is refused, each problem logged with its line, and the running configuration kept; a valid one replaces the host of
/// the modules (stopped gracefully: sources stop, appends and the forwarder's write in flight finish, checkpoints are
/// saved) by one built from the new file, with the same buffer (<see cref="LastingServices"/>). systemd hears
/// <c>READY=1</c>, <c>RELOADING=1</c> … <c>READY=1</c> and <c>STOPPING=1</c> (sd_notify(3), Type=notify-reload).
/// </summary>
internal sealed partial class GatewayRunner : IAsyncDisposable
{
    private readonly Channel<bool> hangups = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly LastingServices lasting;
    private readonly SystemdNotifier? notifier = SystemdNotifier.FromEnvironment();
    private readonly ILogger logger;
    private readonly PosixSignalRegistration hangup;
    private SiteConfiguration site;
    private WebApplication? app;

    public GatewayRunner(LastingServices lasting)
    {
        this.lasting = lasting;
        site = lasting.Site;
        logger = lasting.LoggerFactory.CreateLogger("Loos.Edge.Reload");

        // From the start: SIGHUP's default action would end the process.
        hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            hangups.Writer.TryWrite(true);
        });
    }

    /// <summary>Builds and starts the gateway on the site file it was made with.</summary>
    /// <exception cref="Exception">The gateway cannot start (a port in use, a buffer held by another gateway).</exception>
    public async Task StartAsync()
    {
        app = GatewayHost.Build(site, lasting);
        await app.StartAsync().ConfigureAwait(false);
        notifier?.Notify("READY=1");
    }

    /// <summary>Runs until the host is told to stop (SIGTERM, Ctrl-C), reloading at each SIGHUP meanwhile; then stops it.</summary>
    public async Task RunUntilStoppedAsync()
    {
        while (true)
        {
            var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using (app!.Lifetime.ApplicationStopping.Register(() => stopping.TrySetResult()))
            {
                var reload = hangups.Reader.ReadAsync().AsTask();
                if (await Task.WhenAny(stopping.Task, reload).ConfigureAwait(false) == stopping.Task)
                {
                    notifier?.Notify("STOPPING=1");
                    await app.StopAsync().ConfigureAwait(false);
                    return;
                }
            }

            await ReloadAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        hangup.Dispose();
        if (app is not null)
        {
            await app.DisposeAsync().ConfigureAwait(false);
        }

        notifier?.Dispose();
    }

    private async Task ReloadAsync()
    {
        // MONOTONIC_USEC tells Type=notify-reload which reload this answers (sd_notify(3)).
        var monotonicMicroseconds = TimeProvider.System.GetTimestamp() / (TimeProvider.System.TimestampFrequency / 1_000_000);
        notifier?.Notify(string.Create(CultureInfo.InvariantCulture, $"RELOADING=1\nMONOTONIC_USEC={monotonicMicroseconds}"));
        var path = site.File.Path;
        LogReloading(logger, path);
        SiteConfiguration next;
        try
        {
            next = SiteConfiguration.Load(path);
        }
        catch (SiteFileException exception)
        {
            foreach (var problem in exception.Problems)
            {
                LogProblem(logger, problem);
            }

            LogRefused(logger, path, exception.Problems.Count);
            notifier?.Notify("READY=1");
            return;
        }

        foreach (var module in next.Modules.Where(module => module.OutlivesReload && module.Section is not null))
        {
            if (!SameSection(lasting.Site, next, module.Section!))
            {
                LogAtRestart(logger, module.Section!);
            }
        }

        await app!.StopAsync().ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
        app = null;
        try
        {
            app = GatewayHost.Build(next, lasting);
            await app.StartAsync().ConfigureAwait(false);
            site = next;
            LogReloaded(logger, path);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // A port the new file names is in use, say: the gateway goes on as it was.
            LogStartFailed(logger, path, exception.Message);
            if (app is not null)
            {
                await app.DisposeAsync().ConfigureAwait(false);
            }

            app = GatewayHost.Build(site, lasting);
            await app.StartAsync().ConfigureAwait(false);
        }

        notifier?.Notify("READY=1");
    }

    private static bool SameSection(SiteConfiguration running, SiteConfiguration next, string section) =>
        Flatten(running, section).SequenceEqual(Flatten(next, section));

    private static IEnumerable<KeyValuePair<string, string?>> Flatten(SiteConfiguration site, string section) =>
        site.File.Configuration.GetSection(section).AsEnumerable().OrderBy(pair => pair.Key, StringComparer.Ordinal);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reload: reading {Path}")]
    private static partial void LogReloading(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reload: {Problem}")]
    private static partial void LogProblem(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reload: {Path} has {Count} problem(s); the running configuration is kept")]
    private static partial void LogRefused(ILogger logger, string path, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reload: the {Section} section changed; that change takes effect at restart, the rest now")]
    private static partial void LogAtRestart(ILogger logger, string section);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reload: {Path} applied")]
    private static partial void LogReloaded(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reload: the gateway cannot start on {Path} ({Cause}); it goes on with the previous configuration")]
    private static partial void LogStartFailed(ILogger logger, string path, string cause);
}
