namespace Loos.Edge.Modules.Commissioning;

/// <summary>What a doctor check found: pass, a warning the gateway runs with, or a failure it cannot work with.</summary>
public enum CheckVerdict
{
    Pass,

    Warn,

    Fail,
}

/// <summary>The outcome of one doctor check: what was found and, unless it passed, what to do about it, in words.</summary>
/// <param name="Verdict">Pass, warn or fail.</param>
/// <param name="Detail">What was found, e.g. <c>/var/lib/loos-edge/buffer: writable, 12.3 GB free</c>.</param>
/// <param name="Fix">What the technician should do; null when nothing.</param>
public sealed record CheckResult(CheckVerdict Verdict, string Detail, string? Fix = null)
{
    public static CheckResult Pass(string detail) => new(CheckVerdict.Pass, detail);

    public static CheckResult Warn(string detail, string? fix = null) => new(CheckVerdict.Warn, detail, fix);

    public static CheckResult Fail(string detail, string fix) => new(CheckVerdict.Fail, detail, fix);
}

/// <summary>One check of <c>loos-edge doctor</c>, contributed by the module that knows what to check.</summary>
public interface IDoctorCheck
{
    /// <summary>What is checked, e.g. <c>serial /dev/ttyUSB0</c> or <c>influxdb target main</c>.</summary>
    string Name { get; }

    /// <summary>Runs the check. Failures are results, never exceptions; it changes nothing and writes no reading.</summary>
    Task<CheckResult> RunAsync(CancellationToken cancellationToken);
}

/// <summary>A doctor check made of a name and a function.</summary>
public sealed class DoctorCheck(string name, Func<CancellationToken, Task<CheckResult>> run) : IDoctorCheck
{
    public string Name { get; } = name;

    /// <summary>A check that needs no waiting.</summary>
    public static DoctorCheck Of(string name, Func<CheckResult> run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return new(name, _ => Task.FromResult(run()));
    }

    public Task<CheckResult> RunAsync(CancellationToken cancellationToken) => run(cancellationToken);
}

/// <summary>What the doctor knows of the whole site when modules create their checks.</summary>
/// <param name="TimeProvider">The clock checks time their waits with.</param>
/// <param name="ReadingsPerHour">Readings an hour the polled sources' configured points and intervals come to (see <see cref="GatewayModule.EstimateReadingsPerHour"/>); sources that push (MQTT, the listener) are not counted.</param>
public sealed record DoctorContext(TimeProvider TimeProvider, double ReadingsPerHour);
