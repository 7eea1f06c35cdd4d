using System.Security.Cryptography;
using System.Xml.Linq;
using Ers.ServiceDefaults;
using Ers.Web.Browser;
using Microsoft.Extensions.DependencyInjection;

namespace Ers.Web.Tests.Browser;

/// <summary>The key ring's encryption at rest: AES-256-GCM under a key file, authenticated, rotatable.</summary>
public sealed class KeyRingEncryptionTests
{
    private static readonly XElement Secret = XElement.Parse(
        "<masterKey xmlns:d=\"http://schemas.asp.net/2015/03/dataProtection\" d:requiresEncryption=\"true\"><value>c2VjcmV0LWtleS1tYXRlcmlhbA==</value></masterKey>");

    private static byte[] NewKey() => RandomNumberGenerator.GetBytes(32);

    private static AesGcmXmlDecryptor Decryptor(KeyRingProtectionKeys keys) =>
        new(new ServiceCollection().AddSingleton(keys).BuildServiceProvider());

    [Fact]
    public void An_element_encrypted_with_the_key_decrypts_to_itself_and_carries_no_plaintext()
    {
        var keys = new KeyRingProtectionKeys([NewKey()]);

        var encrypted = new AesGcmXmlEncryptor(keys).Encrypt(Secret);

        Assert.Equal(typeof(AesGcmXmlDecryptor), encrypted.DecryptorType);
        Assert.DoesNotContain("c2VjcmV0LWtleS1tYXRlcmlhbA", encrypted.EncryptedElement.ToString(), StringComparison.Ordinal);
        Assert.True(XNode.DeepEquals(Secret, Decryptor(keys).Decrypt(encrypted.EncryptedElement)));
    }

    [Fact]
    public void Two_encryptions_of_one_element_differ()
    {
        var encryptor = new AesGcmXmlEncryptor(new KeyRingProtectionKeys([NewKey()]));

        Assert.NotEqual(encryptor.Encrypt(Secret).EncryptedElement.Value, encryptor.Encrypt(Secret).EncryptedElement.Value);
    }

    [Fact]
    public void A_tampered_element_does_not_decrypt()
    {
        var keys = new KeyRingProtectionKeys([NewKey()]);
        var element = new AesGcmXmlEncryptor(keys).Encrypt(Secret).EncryptedElement;
        var bytes = Convert.FromBase64String(element.Value);
        bytes[^1] ^= 1;
        element.Value = Convert.ToBase64String(bytes);

        Assert.ThrowsAny<CryptographicException>(() => Decryptor(keys).Decrypt(element));
    }

    [Fact]
    public void An_element_relabelled_to_another_key_does_not_decrypt()
    {
        var first = NewKey();
        var second = NewKey();
        var element = new AesGcmXmlEncryptor(new KeyRingProtectionKeys([first])).Encrypt(Secret).EncryptedElement;
        element.SetAttributeValue("keyId", new AesGcmXmlEncryptor(new KeyRingProtectionKeys([second])).Encrypt(Secret).EncryptedElement.Attribute("keyId")!.Value);

        Assert.ThrowsAny<CryptographicException>(() => Decryptor(new KeyRingProtectionKeys([first, second])).Decrypt(element));
    }

    [Fact]
    public void After_a_rotation_the_previous_key_still_decrypts_and_the_new_one_encrypts()
    {
        var old = NewKey();
        var element = new AesGcmXmlEncryptor(new KeyRingProtectionKeys([old])).Encrypt(Secret).EncryptedElement;
        var rotated = new KeyRingProtectionKeys([NewKey(), old]);

        Assert.True(XNode.DeepEquals(Secret, Decryptor(rotated).Decrypt(element)));
        Assert.NotEqual(element.Attribute("keyId")!.Value, new AesGcmXmlEncryptor(rotated).Encrypt(Secret).EncryptedElement.Attribute("keyId")!.Value);
        var error = Assert.ThrowsAny<CryptographicException>(() => Decryptor(new KeyRingProtectionKeys([NewKey()])).Decrypt(element));
        Assert.Contains("not configured", error.Message);
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("c2hvcnQ=")]
    public void A_key_file_that_is_not_32_bytes_of_base64_is_a_start_up_error_naming_the_setting(string content)
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, content);

            var error = Assert.Throws<ErsConfigurationException>(() => KeyRingProtectionKeys.Load("Ers:Web:Browser:DataProtectionKeyFile", path, []));
            Assert.Contains("Ers:Web:Browser:DataProtectionKeyFile", error.Message);
            Assert.Contains("openssl rand -base64 32", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_missing_key_file_is_a_start_up_error_naming_it()
    {
        var error = Assert.Throws<ErsConfigurationException>(() => KeyRingProtectionKeys.Load("Setting", "/nonexistent/ers-key", []));

        Assert.Contains("/nonexistent/ers-key", error.Message);
    }

    [Fact]
    public void A_web_node_in_a_redis_cluster_without_the_key_file_does_not_start()
    {
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateEmptyBuilder(new());
        builder.Configuration["Ers:Cluster:Provider"] = "Redis";
        builder.Configuration["ConnectionStrings:Redis"] = "127.0.0.1:1,abortConnect=false";

        var error = Assert.Throws<ErsConfigurationException>(builder.AddErsDataProtection);

        Assert.Contains("Ers:Web:Browser:DataProtectionKeyFile", error.Message);
    }
}
