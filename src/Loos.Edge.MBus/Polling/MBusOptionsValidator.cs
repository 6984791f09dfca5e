using Microsoft.Extensions.Options;

namespace Loos.Edge.MBus.Polling;

/// <summary>Checks the <c>mbus</c> section at start, reporting every problem with its key path.</summary>
public sealed class MBusOptionsValidator : IValidateOptions<MBusOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, MBusOptions options)
    {
        var problems = Check(options);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    /// <summary>
    /// Every problem in <paramref name="options"/>, each starting with its key path, for example
    /// <c>mbus:lines:0:meters:1:address: 251 is not a primary address (0-250, 254)</c>; empty when valid.
    /// </summary>
    public static IReadOnlyList<string> Check(MBusOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        MBusPlanner.Plan(options, problems);
        return problems;
    }
}
