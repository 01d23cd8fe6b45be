package dev.ripple.core.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.tokenizer.TokenizerData.Vocab;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Chat formats: which templates are recognised (the real Llama 3 one from the vocabulary package,
 * and the published Llama 2, Mistral and Qwen2 templates), what each renders, and the ids a
 * tokenizer makes of a conversation.
 */
class ChatFormatTest {
    /** Meta's Llama-2-chat template (tokenizer_config.json of meta-llama/Llama-2-7b-chat-hf). */
    static final String LLAMA2 = "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}"
            + "{% set system_message = messages[0]['content'] %}{% else %}{% set loop_messages = messages %}"
            + "{% set system_message = false %}{% endif %}{% for message in loop_messages %}"
            + "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must "
            + "alternate user/assistant/user/assistant/...') }}{% endif %}{% if loop.index0 == 0 and system_message != false %}"
            + "{% set content = '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' + message['content'] %}{% else %}"
            + "{% set content = message['content'] %}{% endif %}{% if message['role'] == 'user' %}"
            + "{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}{% elif message['role'] == 'assistant' %}"
            + "{{ ' '  + content.strip() + ' ' + eos_token }}{% endif %}{% endfor %}";
    /** Mistral-7B-Instruct-v0.1's template: [INST] without <<SYS>>. */
    static final String MISTRAL = "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != "
            + "(loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}"
            + "{% endif %}{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}"
            + "{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token}}{% else %}"
            + "{{ raise_exception('Only user and assistant roles are supported!') }}{% endif %}{% endfor %}";
    /** Qwen2-Instruct's template, with its default system message. */
    static final String QWEN2 = "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
            + "{{ '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' }}{% endif %}{{'<|im_start|>' + message['role']"
            + " + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}"
            + "{{ '<|im_start|>assistant\\n' }}{% endif %}";

    static String llama3Template() {
        return Vocab.LLAMA3.tokenizer().chatTemplate().orElseThrow();
    }

    @Test
    void templatesAreRecognisedByTheirMarkers() {
        assertEquals(Optional.of(ChatFormat.LLAMA3), ChatFormat.detect(llama3Template()));
        assertEquals(Optional.of(ChatFormat.LLAMA2), ChatFormat.detect(LLAMA2));
        assertEquals(Optional.of(ChatFormat.CHATML), ChatFormat.detect(QWEN2));
        assertEquals(Optional.empty(), ChatFormat.detect(MISTRAL));
        assertEquals(Optional.empty(), ChatFormat.detect("{{ messages }}"));
        assertEquals(Optional.empty(), ChatFormat.detect(null));
    }

    @Test
    void otherTemplatesAreRefusedWithAReason() {
        UnsupportedChatTemplateException mistral =
                assertThrows(UnsupportedChatTemplateException.class, () -> ChatFormat.require(MISTRAL));
        assertTrue(mistral.getMessage().contains("Mistral"), mistral.getMessage());
        UnsupportedChatTemplateException other = assertThrows(
                UnsupportedChatTemplateException.class,
                () -> ChatFormat.require("{% for m in messages %}{{ m.content }}{% endfor %}"));
        assertTrue(other.getMessage().contains("llama2, llama3, chatml"), other.getMessage());
        UnsupportedChatTemplateException none = assertThrows(
                UnsupportedChatTemplateException.class,
                () -> Vocab.LLAMA2.tokenizer().chatFormat()); // its tokenizer_config.json has no chat_template
        assertTrue(none.getMessage().contains("no chat template stored with this tokenizer"), none.getMessage());
        assertTrue(none.getMessage().contains("tokenizer.chat_template in a GGUF"), "says where a GGUF keeps one");
    }

    @Test
    void llama2RendersMetasTemplate() {
        String s = ChatFormat.LLAMA2.render(
                List.of(
                        ChatMessage.system("Be brief."),
                        ChatMessage.user(" Hi! "),
                        ChatMessage.assistant("Hello. "),
                        ChatMessage.user("Why?")),
                true,
                "<s>",
                "</s>");
        // the template strips the whole first turn, system block included, so " Hi! " keeps its inner leading space
        assertEquals("<s>[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\n Hi! [/INST] Hello. </s><s>[INST] Why? [/INST]", s);
        assertEquals(
                "<s>[INST] Hi [/INST]", ChatFormat.LLAMA2.render(List.of(ChatMessage.user("Hi")), true, "<s>", "</s>"));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> ChatFormat.LLAMA2.render(
                        List.of(ChatMessage.user("a"), ChatMessage.user("b")), true, "<s>", "</s>"));
        assertTrue(e.getMessage().contains("alternating"), e.getMessage());
    }

    @Test
    void llama3RendersHeadersAndTheGenerationPrompt() {
        String s = ChatFormat.LLAMA3.render(
                List.of(ChatMessage.system("Be brief."), ChatMessage.user("  Hi!\n")),
                true,
                "<|begin_of_text|>",
                "<|end_of_text|>");
        assertEquals(
                "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
                        + "<|start_header_id|>user<|end_header_id|>\n\nHi!<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n",
                s);
        assertEquals(Optional.of("<|eot_id|>"), ChatFormat.LLAMA3.endOfTurn());
    }

    @Test
    void chatMlRendersTurnsAndFindsQwensDefaultSystemMessage() {
        String s = ChatFormat.CHATML.render(List.of(ChatMessage.user("Hi")), true, "", "");
        assertEquals("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", s);
        assertEquals(Optional.of("You are a helpful assistant."), ChatFormat.defaultSystemPrompt(QWEN2));
        assertEquals(Optional.empty(), ChatFormat.defaultSystemPrompt(LLAMA2));
        assertEquals(Optional.of("<|im_end|>"), ChatFormat.CHATML.endOfTurn());
    }

    @Test
    void formatsByName() {
        assertEquals(ChatFormat.LLAMA2, ChatFormat.parse("llama2"));
        assertEquals(ChatFormat.LLAMA3, ChatFormat.parse("Llama3"));
        assertEquals(ChatFormat.CHATML, ChatFormat.parse("chatml"));
        assertThrows(IllegalArgumentException.class, () -> ChatFormat.parse("alpaca"));
    }

    @Test
    void aConversationEncodesWithTheSpecialTokensOfItsTemplate() throws Exception {
        Tokenizer t = Vocab.LLAMA3.tokenizer();
        assertEquals(ChatFormat.LLAMA3, t.chatFormat());
        int[] ids = t.encodeChat(List.of(ChatMessage.user("Hello")), true);
        int bot = t.tokenId("<|begin_of_text|>").orElseThrow();
        int header = t.tokenId("<|start_header_id|>").orElseThrow();
        int eot = t.tokenId("<|eot_id|>").orElseThrow();
        assertEquals(bot, ids[0]);
        assertEquals(header, ids[1]);
        assertTrue(Arrays.stream(ids).anyMatch(id -> id == eot));
        assertEquals(
                "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHello<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\n",
                t.decode(ids, false));
        assertEquals(bot, t.bosId().orElseThrow());
        assertEquals(t.tokenId("<|end_of_text|>").orElseThrow(), t.eosId().orElseThrow());
        // Llama 2's tokenizer has no template; its format is named explicitly
        Tokenizer l2 = Vocab.LLAMA2.tokenizer();
        int[] l2ids = l2.encodeChat(ChatFormat.LLAMA2, List.of(ChatMessage.user("Hi")), true);
        assertArrayEquals(l2.encode("<s>[INST] Hi [/INST]", false), l2ids);
        assertEquals(1, l2ids[0]);
    }
}
