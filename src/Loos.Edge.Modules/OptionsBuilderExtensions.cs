using System.Diagnostics.CodeAnalysis;
using Loos.Edge.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Loos.Edge.Modules;

/// <summary>Runs a module's validator when options come from the standard options factory (a host binding its own configuration).</summary>
public static class OptionsBuilderExtensions
{
    /// <summary>Fails the options with every problem <paramref name="check"/> finds, each naming its key.</summary>
    public static OptionsBuilder<TOptions> ValidateWith<TOptions>(this OptionsBuilder<TOptions> builder, Func<TOptions, ConfigurationProblems> check)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(check);
        builder.Services.AddSingleton<IValidateOptions<TOptions>>(new CheckValidator<TOptions>(builder.Name, check));
        return builder;
    }

    /// <summary>Fails the options with every problem <paramref name="check"/> finds, given a dependency such as another section's options.</summary>
    public static OptionsBuilder<TOptions> ValidateWith<TOptions, TDependency>(this OptionsBuilder<TOptions> builder, Func<TOptions, TDependency, ConfigurationProblems> check)
        where TOptions : class
        where TDependency : notnull
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(check);
        builder.Services.AddSingleton<IValidateOptions<TOptions>>(provider =>
            new CheckValidator<TOptions>(builder.Name, options => check(options, provider.GetRequiredService<TDependency>())));
        return builder;
    }

    /// <summary>
    /// Registers <paramref name="value"/> as the options of <typeparamref name="TOptions"/> through the standard options
    /// factory, which still runs the configurations and validations registered for them: for a host that builds a
    /// component's options itself rather than from configuration.
    /// </summary>
    public static OptionsBuilder<TOptions> AddOptionsInstance<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions>(this IServiceCollection services, TOptions value)
        where TOptions : class
    {
        services.AddSingleton<IOptionsFactory<TOptions>>(provider => new InstanceOptionsFactory<TOptions>(
            value,
            provider.GetServices<IConfigureOptions<TOptions>>(),
            provider.GetServices<IPostConfigureOptions<TOptions>>(),
            provider.GetServices<IValidateOptions<TOptions>>()));
        return services.AddOptions<TOptions>();
    }

    private sealed class InstanceOptionsFactory<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions>(
        TOptions value,
        IEnumerable<IConfigureOptions<TOptions>> setups,
        IEnumerable<IPostConfigureOptions<TOptions>> postConfigures,
        IEnumerable<IValidateOptions<TOptions>> validations) : OptionsFactory<TOptions>(setups, postConfigures, validations)
        where TOptions : class
    {
        protected override TOptions CreateInstance(string name) => value;
    }

    private sealed class CheckValidator<TOptions>(string name, Func<TOptions, ConfigurationProblems> check) : IValidateOptions<TOptions>
        where TOptions : class
    {
        public ValidateOptionsResult Validate(string? optionsName, TOptions options)
        {
            if (optionsName is not null && optionsName != name)
            {
                return ValidateOptionsResult.Skip;
            }

            var problems = check(options);
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
