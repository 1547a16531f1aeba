// BertConfig: Hugging Face BERT configuration (config.json).
