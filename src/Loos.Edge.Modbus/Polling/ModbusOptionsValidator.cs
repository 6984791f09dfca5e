using Microsoft.Extensions.Options;

namespace Loos.Edge.Modbus.Polling;

/// <summary>Checks the <c>modbus</c> section (and the device profiles it names) at start, reporting every problem with its key path.</summary>
public sealed class ModbusOptionsValidator : IValidateOptions<ModbusOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ModbusOptions options)
    {
        var problems = Check(options);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    /// <summary>
    /// Every problem in <paramref name="options"/>, each starting with its key path, for example
    /// <c>modbus:buses:0:devices:1:points:3:type 'f16' is not one of u16, i16, …</c>; empty when valid.
    /// </summary>
    public static IReadOnlyList<string> Check(ModbusOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        ModbusPlanner.Plan(options, problems);
        return problems;
    }
}
